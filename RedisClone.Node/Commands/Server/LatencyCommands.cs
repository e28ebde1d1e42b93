using System.Globalization;
using System.Text;
using RedisClone.Node.Observability;

namespace RedisClone.Node.Commands.Server;

/// <summary>
/// LATENCY LATEST/HISTORY/RESET/DOCTOR/HELP over the node's <see cref="LatencyMonitor"/>, fed with "command" and
/// "fast-command" events when a command runs latency-monitor-threshold milliseconds or longer. The node has no other
/// event sources (no fork, no disk), and no GRAPH or HISTOGRAM subcommand.
/// </summary>
internal static class LatencyCommands
{
    public static void Register(CommandBindings t)
    {
        t.AddContainer("latency");
        t.Add("latency|latest", Latest);
        t.Add("latency|history", History);
        t.Add("latency|reset", Reset);
        t.Add("latency|doctor", Doctor);
        t.Add("latency|help", Help);
    }

    private static void Latest(CommandContext c)
    {
        IReadOnlyDictionary<string, LatencySeries> events = c.Server.Latency.Events;
        c.Reply.WriteArrayHeader(events.Count);
        foreach ((string name, LatencySeries series) in events)
        {
            (long seconds, long milliseconds) = series.Latest;
            c.Reply.WriteArrayHeader(4);
            c.Reply.WriteBulk(name);
            c.Reply.WriteInteger(seconds);
            c.Reply.WriteInteger(milliseconds);
            c.Reply.WriteInteger(series.Max);
        }
    }

    private static void History(CommandContext c)
    {
        if (!c.Server.Latency.Events.TryGetValue(c.ArgString(2), out LatencySeries? series))
        {
            c.Reply.WriteArrayHeader(0);
            return;
        }
        var samples = series.Samples().ToList();
        c.Reply.WriteArrayHeader(samples.Count);
        foreach ((long seconds, long milliseconds) in samples)
        {
            c.Reply.WriteArrayHeader(2);
            c.Reply.WriteInteger(seconds);
            c.Reply.WriteInteger(milliseconds);
        }
    }

    private static void Reset(CommandContext c)
    {
        var names = new List<string>();
        for (int i = 2; i < c.Args.Count; i++)
        {
            names.Add(c.ArgString(i));
        }
        c.Reply.WriteInteger(c.Server.Latency.Reset(names));
    }

    /// <summary>
    /// A short report: per event, its spikes' count, average, mean deviation, period and worst, as Redis's doctor
    /// summarises them. Redis's advice paragraphs (about forks, disks, transparent huge pages) do not apply to the node.
    /// </summary>
    private static void Doctor(CommandContext c)
    {
        IReadOnlyDictionary<string, LatencySeries> events = c.Server.Latency.Events;
        var report = new StringBuilder();
        if (events.Count == 0 && c.Server.Settings.LatencyMonitorThreshold == 0)
        {
            // Redis's own reply when the monitor is off, word for word (clients compare it).
            report.Append("I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n");
        }
        else if (events.Count == 0)
        {
            report.Append(CultureInfo.InvariantCulture, $"No latency spike was observed: no command has run {c.Server.Settings.LatencyMonitorThreshold} ms or longer since the monitor was reset.\n");
        }
        else
        {
            report.Append(CultureInfo.InvariantCulture, $"Latency spikes were observed (commands that ran {c.Server.Settings.LatencyMonitorThreshold} ms or longer):\n\n");
            long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            int index = 1;
            foreach ((string name, LatencySeries series) in events)
            {
                var samples = series.Samples().ToList();
                double average = samples.Average(s => (double)s.Milliseconds);
                double deviation = samples.Average(s => Math.Abs(s.Milliseconds - average));
                double period = Math.Max(1, now - samples.Min(s => s.UnixSeconds)) / (double)samples.Count;
                report.Append(CultureInfo.InvariantCulture,
                    $"{index++}. {name}: {samples.Count} latency spikes (average {(long)average}ms, mean deviation {(long)deviation}ms, period {period:F2} sec). Worst all time event {series.Max}ms.\n");
            }
            report.Append("\nSLOWLOG GET shows which commands were slow; OBJECT and MEMORY USAGE show how big their keys are.\n");
        }
        c.Reply.WriteVerbatim(report.ToString());
    }

    private static void Help(CommandContext c) => HelpText.Write(c, "LATENCY",
        "DOCTOR", "    Return a human readable latency analysis report.",
        "HISTORY <event>", "    Return time-latency samples for the <event> class.",
        "LATEST", "    Return the latest latency samples for all events.",
        "RESET [<event> ...]", "    Reset latency data of one or more <event> classes.", "    (default: reset all data for all event classes)");
}
