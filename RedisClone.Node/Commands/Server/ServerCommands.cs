using System.Diagnostics;
using System.Globalization;
using System.Text;
using RedisClone.Node.Observability;

namespace RedisClone.Node.Commands.Server;

/// <summary>Server introspection: INFO (with Redis's section and field names) and TIME.</summary>
internal static class ServerCommands
{
    public static void Register(CommandBindings t)
    {
        t.Add("info", Info);
        t.Add("time", Time);
    }

    private static void Time(CommandContext c)
    {
        long micros = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;
        c.Reply.WriteArrayHeader(2);
        c.Reply.WriteBulk(micros / 1_000_000);
        c.Reply.WriteBulk(micros % 1_000_000);
    }

    private static void Info(CommandContext c)
    {
        var requested = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 1; i < c.Args.Count; i++)
        {
            requested.Add(c.ArgString(i));
        }
        bool everything = requested.Contains("everything");
        bool all = everything || requested.Contains("all");
        bool defaults = requested.Count == 0 || requested.Contains("default");
        var text = new StringBuilder();
        foreach (InfoSection section in c.Server.InfoSections)
        {
            bool wanted = requested.Contains(section.Name)
                || (all && (section.InAll || everything))
                || (defaults && section.InDefault);
            if (!wanted)
            {
                continue;
            }
            if (text.Length > 0)
            {
                text.Append("\r\n");
            }
            text.Append("# ").Append(section.Title).Append("\r\n");
            section.Write(text, c);
        }
        c.Reply.WriteVerbatim(text.ToString());
    }

    /// <summary>The sections every node has; CommandRegistration.InfoSections puts the gossip section among them.</summary>
    public static IEnumerable<InfoSection> CoreSections() =>
    [
        new("server", "Server", true, true, WriteServer),
        new("clients", "Clients", true, true, WriteClients),
        new("memory", "Memory", true, true, WriteMemory),
        new("persistence", "Persistence", true, true, WritePersistence),
        new("stats", "Stats", true, true, WriteStats),
        new("replication", "Replication", true, true, WriteReplication),
        new("cpu", "CPU", true, true, WriteCpu),
        new("commandstats", "Commandstats", false, true, WriteCommandStats),
        new("cluster", "Cluster", true, true, (t, _) => Line(t, "cluster_enabled", 0)),
        new("keyspace", "Keyspace", true, true, WriteKeyspace),
    ];

    private static void Line(StringBuilder text, string name, object value) =>
        text.Append(name).Append(':').Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append("\r\n");

    private static void WriteServer(StringBuilder t, CommandContext c)
    {
        NodeServer s = c.Server;
        TimeSpan uptime = DateTimeOffset.UtcNow - s.StartedAt;
        Line(t, "redis_version", ConnectionCommands.RedisVersion);
        Line(t, "redis_mode", "standalone");
        Line(t, "redisclone_version", typeof(ServerCommands).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
        Line(t, "os", $"{Environment.OSVersion.Platform} {Environment.OSVersion.Version} {System.Runtime.InteropServices.RuntimeInformation.OSArchitecture}".ToLowerInvariant());
        Line(t, "arch_bits", Environment.Is64BitProcess ? 64 : 32);
        Line(t, "runtime", System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
        Line(t, "process_id", Environment.ProcessId);
        Line(t, "run_id", s.RunId);
        Line(t, "tcp_port", s.BoundPort);
        Line(t, "server_time_usec", (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10);
        Line(t, "uptime_in_seconds", (long)uptime.TotalSeconds);
        Line(t, "uptime_in_days", (long)uptime.TotalDays);
        Line(t, "hz", s.Settings.Hz);
        Line(t, "configured_hz", s.Settings.Hz);
        Line(t, "executable", Environment.ProcessPath ?? "");
        Line(t, "config_file", "");
    }

    private static void WriteClients(StringBuilder t, CommandContext c)
    {
        Line(t, "connected_clients", c.Server.Clients.Count);
        Line(t, "cluster_connections", 0);
        Line(t, "maxclients", c.Server.Settings.MaxClients);
        Line(t, "blocked_clients", c.Server.Blocking.BlockedClients);
        Line(t, "tracking_clients", 0);
    }

    private static void WriteMemory(StringBuilder t, CommandContext c)
    {
        GCMemoryInfo gc = GC.GetGCMemoryInfo();
        long used = GC.GetTotalMemory(forceFullCollection: false);
        using Process process = Process.GetCurrentProcess();
        long rss = process.WorkingSet64;
        long peak = process.PeakWorkingSet64;
        Line(t, "used_memory", used);
        Line(t, "used_memory_human", Human(used));
        Line(t, "used_memory_rss", rss);
        Line(t, "used_memory_rss_human", Human(rss));
        Line(t, "used_memory_peak", peak);
        Line(t, "used_memory_peak_human", Human(peak));
        Line(t, "total_system_memory", gc.TotalAvailableMemoryBytes);
        Line(t, "total_system_memory_human", Human(gc.TotalAvailableMemoryBytes));
        Line(t, "maxmemory", 0);
        Line(t, "maxmemory_human", "0B");
        Line(t, "maxmemory_policy", "noeviction");
        Line(t, "mem_fragmentation_ratio", used == 0 ? "0.00" : ((double)rss / used).ToString("F2", CultureInfo.InvariantCulture));
        Line(t, "mem_allocator", "dotnet-gc");
        // Not in Redis: the GC's committed memory, and the collections run to give memory back after big transient use.
        Line(t, "gc_committed_bytes", gc.TotalCommittedBytes);
        Line(t, "memory_trims", c.Server.MemoryTrim.Trims);
    }

    private static void WritePersistence(StringBuilder t, CommandContext c)
    {
        // The node keeps data in memory only: no snapshots, no append-only file.
        Line(t, "loading", 0);
        Line(t, "rdb_changes_since_last_save", c.Keyspace.Dirty);
        Line(t, "rdb_bgsave_in_progress", 0);
        Line(t, "rdb_last_bgsave_status", "ok");
        Line(t, "aof_enabled", 0);
        Line(t, "aof_rewrite_in_progress", 0);
        // Not in Redis: CONFIG SET save is accepted (tools set it) but never acted on; these two lines say so.
        Line(t, "persistence", "none");
        Line(t, "save_rules_ignored", c.Server.Settings.Save);
    }

    private static void WriteStats(StringBuilder t, CommandContext c)
    {
        ServerStats stats = c.Server.Stats;
        Line(t, "total_connections_received", stats.ConnectionsReceived);
        Line(t, "total_commands_processed", stats.CommandsProcessed);
        Line(t, "instantaneous_ops_per_sec", stats.InstantaneousOpsPerSec);
        Line(t, "total_net_input_bytes", stats.NetInputBytes);
        Line(t, "total_net_output_bytes", stats.NetOutputBytes);
        Line(t, "rejected_connections", stats.RejectedConnections);
        Line(t, "expired_keys", c.Keyspace.Stats.ExpiredKeys);
        Line(t, "evicted_keys", 0);
        Line(t, "keyspace_hits", c.Keyspace.Stats.KeyspaceHits);
        Line(t, "keyspace_misses", c.Keyspace.Stats.KeyspaceMisses);
        foreach ((string name, Func<long> value) in c.Server.ExtraStats)
        {
            Line(t, name, value());
        }
        Line(t, "total_error_replies", stats.ErrorReplies);
    }

    private static void WriteReplication(StringBuilder t, CommandContext c)
    {
        Line(t, "role", "master");
        Line(t, "connected_slaves", 0);
        Line(t, "master_replid", c.Server.RunId);
        Line(t, "master_repl_offset", 0);
    }

    private static void WriteCpu(StringBuilder t, CommandContext c)
    {
        using Process process = Process.GetCurrentProcess();
        Line(t, "used_cpu_sys", process.PrivilegedProcessorTime.TotalSeconds.ToString("F6", CultureInfo.InvariantCulture));
        Line(t, "used_cpu_user", process.UserProcessorTime.TotalSeconds.ToString("F6", CultureInfo.InvariantCulture));
    }

    private static void WriteCommandStats(StringBuilder t, CommandContext c)
    {
        foreach (CommandDefinition command in c.Server.Commands.All.SelectMany(cmd => cmd.Subcommands?.Values.Prepend(cmd) ?? [cmd]).OrderBy(cmd => cmd.FullName, StringComparer.Ordinal))
        {
            if (command.Calls == 0 && command.FailedCalls == 0)
            {
                continue;
            }
            double perCall = command.Calls == 0 ? 0 : (double)command.Microseconds / command.Calls;
            Line(t, "cmdstat_" + command.FullName, string.Create(CultureInfo.InvariantCulture,
                $"calls={command.Calls},usec={command.Microseconds},usec_per_call={perCall:F2},rejected_calls=0,failed_calls={command.FailedCalls}"));
        }
    }

    private static void WriteKeyspace(StringBuilder t, CommandContext c)
    {
        for (int i = 0; i < c.Keyspace.Count; i++)
        {
            var db = c.Keyspace[i];
            if (db.Count > 0)
            {
                Line(t, "db" + i.ToString(CultureInfo.InvariantCulture), string.Create(CultureInfo.InvariantCulture, $"keys={db.Count},expires={db.VolatileCount},avg_ttl={db.AverageTtlMs}"));
            }
        }
    }

    /// <summary>Redis's bytesToHuman: B, K, M, G with two decimals.</summary>
    public static string Human(long bytes) => bytes switch
    {
        < 1024 => bytes.ToString(CultureInfo.InvariantCulture) + "B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("F2", CultureInfo.InvariantCulture) + "K",
        < 1024L * 1024 * 1024 => (bytes / (1024.0 * 1024)).ToString("F2", CultureInfo.InvariantCulture) + "M",
        _ => (bytes / (1024.0 * 1024 * 1024)).ToString("F2", CultureInfo.InvariantCulture) + "G",
    };
}
