using RedisClone.Node.Observability;
using RedisClone.Node.Protocol;

namespace RedisClone.Node.Commands.Server;

/// <summary>SLOWLOG GET/LEN/RESET/HELP over the node's <see cref="SlowLog"/> (filled by <see cref="CommandDispatcher.Run"/>).</summary>
internal static class SlowlogCommands
{
    private const int DefaultCount = 10;

    public static void Register(CommandBindings t)
    {
        t.AddContainer("slowlog");
        t.Add("slowlog|get", Get);
        t.Add("slowlog|len", c => c.Reply.WriteInteger(c.Server.SlowLog.Count));
        t.Add("slowlog|reset", Reset);
        t.Add("slowlog|help", Help);
    }

    private static void Get(CommandContext c)
    {
        if (c.Args.Count > 3)
        {
            c.Reply.WriteError(RespLiterals.SubcommandSyntaxError(c.Args[1], "slowlog"));
            return;
        }
        long count = DefaultCount;
        if (c.Args.Count == 3)
        {
            const string CountError = "ERR count should be greater than or equal to -1";
            if (!RespNumber.TryParseInt64(c.Args[2], out count) || count < -1)
            {
                c.Reply.WriteError(CountError);
                return;
            }
            if (count == -1)
            {
                count = long.MaxValue;
            }
        }
        SlowLog log = c.Server.SlowLog;
        int shown = (int)Math.Min(count, log.Count);
        c.Reply.WriteArrayHeader(shown);
        foreach (SlowLogEntry entry in log.Entries.Take(shown))
        {
            c.Reply.WriteArrayHeader(6);
            c.Reply.WriteInteger(entry.Id);
            c.Reply.WriteInteger(entry.UnixSeconds);
            c.Reply.WriteInteger(entry.Microseconds);
            c.Reply.WriteArrayHeader(entry.Arguments.Length);
            foreach (byte[] argument in entry.Arguments)
            {
                c.Reply.WriteBulk(argument);
            }
            c.Reply.WriteBulk(entry.ClientAddress);
            c.Reply.WriteBulk(entry.ClientName);
        }
    }

    private static void Reset(CommandContext c)
    {
        c.Server.SlowLog.Reset();
        c.Reply.WriteOk();
    }

    private static void Help(CommandContext c) => HelpText.Write(c, "SLOWLOG",
        "GET [<count>]", "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:", "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN", "    Return the length of the slowlog.",
        "RESET", "    Reset the slowlog.");
}
