using System.Globalization;
using System.Text;
using RedisClone.Node.Protocol;

namespace RedisClone.Node.Configuration;

internal static class SettingCatalog
{
    public const string Section = "Redis";

    public static readonly IReadOnlyList<SettingDescriptor> All =
    [
        new("port", "Port", "RESP port to listen on (default 6379)", false,
            s => s.Port.ToString(CultureInfo.InvariantCulture),
            (s, v) => Integer(v, 0, 65535, p => s.Port = (int)p)),
        new("bind", "Bind", "addresses to listen on, separated by spaces (default 127.0.0.1)", false,
            s => string.Join(' ', s.Bind),
            (s, v) => ParseBind(v, out string[] b) ? Ok(() => s.Bind = b) : "argument must be IP addresses separated by spaces (or * for all)"),
        new("requirepass", "RequirePass", "password clients must AUTH with (default: none)", true,
            s => s.RequirePass ?? "",
            (s, v) => Ok(() => s.RequirePass = v.Length == 0 ? null : v)) { Sensitive = true },
        new("protected-mode", "ProtectedMode", "yes: while no password is set, refuse clients not on 127.0.0.1 or ::1 with Redis's DENIED error (default yes)", true,
            s => s.ProtectedMode ? "yes" : "no",
            (s, v) => YesNo(v, out bool on) ? Ok(() => s.ProtectedMode = on) : "argument must be 'yes' or 'no'"),
        new("databases", "Databases", "number of databases (default 16)", false,
            s => s.Databases.ToString(CultureInfo.InvariantCulture),
            (s, v) => Integer(v, 1, 1 << 20, d => s.Databases = (int)d)),
        new("maxclients", "MaxClients", "most clients connected at once (default 10000)", true,
            s => s.MaxClients.ToString(CultureInfo.InvariantCulture),
            (s, v) => Integer(v, 1, uint.MaxValue, m => s.MaxClients = m)),
        new("proto-max-bulk-len", "ProtoMaxBulkLen", "largest bulk string a client may send (default 512mb)", true,
            s => s.ProtoMaxBulkLen.ToString(CultureInfo.InvariantCulture),
            (s, v) => Memory(v, 1024 * 1024, long.MaxValue, m => s.ProtoMaxBulkLen = m)),
        new("client-query-buffer-limit", "ClientQueryBufferLimit", "most a client's unfinished command may buffer (default 1gb)", true,
            s => s.ClientQueryBufferLimit.ToString(CultureInfo.InvariantCulture),
            (s, v) => Memory(v, 1024 * 1024, long.MaxValue, m => s.ClientQueryBufferLimit = m)),
        // Like Redis, any hz from 0 up is accepted and brought into 1..500 (what CONFIG GET then shows).
        new("hz", "Hz", "background task frequency: expiry sweeps per second, 1 to 500 (default 10)", true,
            s => s.Hz.ToString(CultureInfo.InvariantCulture),
            (s, v) => Integer(v, 0, int.MaxValue, h => s.Hz = (int)Math.Clamp(h, 1, 500))),
        new("timeout", "Timeout", "close a client idle for this many seconds; 0 never (default 0)", true,
            s => s.Timeout.ToString(CultureInfo.InvariantCulture),
            (s, v) => Integer(v, 0, int.MaxValue, t => s.Timeout = (int)t)),
        new("http-port", "HttpPort", "HTTP port for the /health and /alive endpoints (default: no HTTP endpoint)", false,
            s => s.HttpPort?.ToString(CultureInfo.InvariantCulture) ?? "", (s, v) => Integer(v, 0, 65535, p => s.HttpPort = (int)p)) { InConfig = false },
        new("exit-on-stdin-close", "ExitOnStdinClose", "yes: stop when standard input closes, so a supervisor that gives the node a pipe (RedisClone.AppHost) is never outlived (default no)", false,
            s => s.ExitOnStdinClose ? "yes" : "no", (s, v) => v is "yes" or "no" ? Ok(() => s.ExitOnStdinClose = v == "yes") : "argument must be yes or no") { InConfig = false },
        // The node keeps data in memory only. Tools (redis-benchmark, test suites) set save, so it is checked as Redis
        // checks it and shown back, but nothing is ever written; INFO persistence says so.
        new("save", "Save", "snapshot rules \"<seconds> <changes> ...\", accepted and shown by CONFIG GET; the node never writes snapshots (default empty)", true,
            s => s.Save, (s, v) => ParseSaveRules(v) is { } rules ? Ok(() => s.Save = rules) : "Invalid save parameters"),
        new("appendonly", "AppendOnly", "always no: the node does not write an append-only file", true, _ => "no",
            (_, v) => !YesNo(v, out bool on) ? "argument must be 'yes' or 'no'" : on ? "appendonly yes is not supported: the node does not persist" : null),
        new("slowlog-log-slower-than", "SlowlogLogSlowerThan", "commands that run this many microseconds or longer go to the slow log; -1 none, 0 all (default 10000)", true,
            s => s.SlowlogLogSlowerThan.ToString(CultureInfo.InvariantCulture),
            (s, v) => Integer(v, -1, long.MaxValue, us => s.SlowlogLogSlowerThan = us)),
        new("slowlog-max-len", "SlowlogMaxLen", "entries the slow log keeps (default 128)", true,
            s => s.SlowlogMaxLen.ToString(CultureInfo.InvariantCulture),
            (s, v) => Integer(v, 0, long.MaxValue, n => s.SlowlogMaxLen = n)),
        new("latency-monitor-threshold", "LatencyMonitorThreshold", "commands that run this many milliseconds or longer are latency events (LATENCY LATEST); 0 off (default 0)", true,
            s => s.LatencyMonitorThreshold.ToString(CultureInfo.InvariantCulture),
            (s, v) => Integer(v, 0, long.MaxValue, ms => s.LatencyMonitorThreshold = ms)),
        new("client-output-buffer-limit", "ClientOutputBufferLimit", "<class> <hard> <soft> <seconds> ...; a pubsub client or a MONITOR client over the pubsub hard limit, or over soft for seconds, is disconnected (default pubsub 32mb 8mb 60)", true,
            s => string.Join(' ', s.OutputBufferLimits.Select(l => $"{l.Key} {l.Value.HardBytes} {l.Value.SoftBytes} {l.Value.SoftSeconds}")),
            (s, v) => ParseOutputLimits(v, s.OutputBufferLimits) is { } limits ? Ok(() => s.OutputBufferLimits = limits) : "argument must be groups of <normal|replica|pubsub> <hard> <soft> <seconds>"),
        new("pubsub-round-pause-max-us", "PubSubRoundPauseMaxUs", "busy delivery rounds are followed by a pause so each send to a subscriber carries more messages: 8x the round after a backlogged round (2 KB or more per subscriber), at most this many microseconds, otherwise 4x, at most a quarter of it; 0 sends at once (default 20000)", true,
            s => s.PubSubRoundPauseMaxUs.ToString(CultureInfo.InvariantCulture),
            (s, v) => Integer(v, 0, 1_000_000, us => s.PubSubRoundPauseMaxUs = (int)us)),
        // Redis 7 names with their old ziplist aliases, which read and write the same setting.
        .. Sized("hash-max-listpack-entries", "hash-max-ziplist-entries", "HashMaxListpackEntries", "hash fields kept in the compact (listpack) encoding (default 512)", memory: false, l => l.HashMaxListpackEntries, (l, v) => l.HashMaxListpackEntries = v),
        .. Sized("hash-max-listpack-value", "hash-max-ziplist-value", "HashMaxListpackValue", "longest hash field or value in the compact encoding, in bytes (default 64)", memory: true, l => l.HashMaxListpackValue, (l, v) => l.HashMaxListpackValue = v),
        .. Sized("zset-max-listpack-entries", "zset-max-ziplist-entries", "ZSetMaxListpackEntries", "sorted-set members kept in the compact (listpack) encoding (default 128)", memory: false, l => l.ZSetMaxListpackEntries, (l, v) => l.ZSetMaxListpackEntries = v),
        .. Sized("zset-max-listpack-value", "zset-max-ziplist-value", "ZSetMaxListpackValue", "longest sorted-set member in the compact encoding, in bytes (default 64)", memory: true, l => l.ZSetMaxListpackValue, (l, v) => l.ZSetMaxListpackValue = v),
        new("set-max-intset-entries", "SetMaxIntsetEntries", "set members kept in the integer-set encoding while all are integers (default 512)", true,
            s => s.Collections.SetMaxIntsetEntries.ToString(CultureInfo.InvariantCulture),
            (s, v) => Integer(v, 0, long.MaxValue, n => s.Collections.SetMaxIntsetEntries = n)),
        new("list-max-listpack-size", "ListMaxListpackSize", "quicklist node size: positive, entries per node; -1..-5, 4/8/16/32/64 KB per node (default -2)", true,
            s => s.Collections.ListMaxListpackSize.ToString(CultureInfo.InvariantCulture),
            (s, v) => Integer(v, int.MinValue, int.MaxValue, n => s.Collections.ListMaxListpackSize = n)),
        new("list-max-ziplist-size", "ListMaxZiplistSize", "old name of list-max-listpack-size", true,
            s => s.Collections.ListMaxListpackSize.ToString(CultureInfo.InvariantCulture),
            (s, v) => Integer(v, int.MinValue, int.MaxValue, n => s.Collections.ListMaxListpackSize = n)),
        new("list-compress-depth", "ListCompressDepth", "quicklist nodes left uncompressed at each end; accepted, the node does not compress (default 0)", true,
            s => s.Collections.ListCompressDepth.ToString(CultureInfo.InvariantCulture),
            (s, v) => Integer(v, 0, int.MaxValue, n => s.Collections.ListCompressDepth = n)),
        new("notify-keyspace-events", "NotifyKeyspaceEvents", "keyspace notifications to publish, as Redis's flag letters (default: none)", true,
            s => s.NotifyKeyspaceEvents,
            (s, v) => KeyspaceEvents.TryParse(v, out KeyspaceEventFlags flags) ? Ok(() => s.NotifyKeyspaceEvents = KeyspaceEvents.Format(flags)) : "argument must be a combination of the letters K E g $ l s h z x e t m n d A"),
        new("trace-query-text", "TraceQueryText", "yes to record each traced command's text with its values replaced by ? (keys and keywords kept) as db.query.text (default no)", true,
            s => s.TraceQueryText ? "yes" : "no",
            (s, v) => YesNo(v, out bool on) ? Ok(() => s.TraceQueryText = on) : "argument must be 'yes' or 'no'"),
        new("enable-debug-command", "EnableDebugCommand", "who may run DEBUG (GOSSIP-CUT, the fault switch): no, yes, or local for loopback clients (default no)", false,
            s => s.EnableDebugCommand.ToString().ToLowerInvariant(),
            (s, v) => Enum.TryParse(v, ignoreCase: true, out DebugCommandAccess access) && Enum.IsDefined(access) && !char.IsDigit(v[0]) ? Ok(() => s.EnableDebugCommand = access) : "argument must be one of the following: no, yes, local"),
        new("node-name", "NodeName", "this node's name in the cluster (default: an id derived from host and port)", false,
            s => s.NodeName ?? "", (s, v) => v.Length > 0 && v.All(ch => ch is > ' ' and <= '~') ? Ok(() => s.NodeName = v) : "argument must be a name without spaces") { InConfig = false },
        new("cluster-port", "ClusterPort", "gossip (gRPC) port; setting it, or peers, makes the node join a cluster (default: port + 10000)", false,
            s => s.ClusterPort?.ToString(CultureInfo.InvariantCulture) ?? "", (s, v) => Integer(v, 0, 65535, p => s.ClusterPort = (int)p)) { InConfig = false },
        new("cluster-peers", "ClusterPeers", "seed gossip endpoints, host:port separated by commas (also read from services:<peer>:gossip:0)", false,
            s => string.Join(',', s.ClusterPeers), (s, v) => ParsePeers(v, out string[] peers) ? Ok(() => s.ClusterPeers = peers) : "argument must be host:port or http(s)://host:port entries separated by commas") { InConfig = false },
        new("cluster-key", "ClusterKey", "shared secret every gossip call must carry (default: none)", false,
            s => s.ClusterKey ?? "", (s, v) => Ok(() => s.ClusterKey = v.Length == 0 ? null : v)) { InConfig = false },
        new("cluster-announce-address", "ClusterAnnounceAddress", "gossip URL peers should use for this node (default: http://<bind>:<cluster-port>)", false,
            s => s.ClusterAnnounceAddress ?? "", (s, v) => Uri.TryCreate(v, UriKind.Absolute, out _) ? Ok(() => s.ClusterAnnounceAddress = v) : "argument must be an absolute URL such as http://10.0.0.5:16379") { InConfig = false },
        new("cluster-replay-window-ms", "ClusterReplayWindowMs", "how long a node keeps messages for a peer whose link dropped (default 5000)", false,
            s => s.ClusterReplayWindowMs.ToString(CultureInfo.InvariantCulture), (s, v) => Integer(v, 0, 3_600_000, ms => s.ClusterReplayWindowMs = (int)ms)) { InConfig = false },
        new("cluster-replay-window-messages", "ClusterReplayWindowMessages", "most messages kept per peer for replay (default 100000)", false,
            s => s.ClusterReplayWindowMessages.ToString(CultureInfo.InvariantCulture), (s, v) => Integer(v, 1, 100_000_000, n => s.ClusterReplayWindowMessages = (int)n)) { InConfig = false },
        new("cluster-replay-window-bytes", "ClusterReplayWindowBytes", "most payload bytes kept per peer for replay (default 64mb)", false,
            s => s.ClusterReplayWindowBytes.ToString(CultureInfo.InvariantCulture), (s, v) => Memory(v, 1024 * 1024, long.MaxValue, b => s.ClusterReplayWindowBytes = b)) { InConfig = false },
        new("cluster-heartbeat-ms", "ClusterHeartbeatMs", "interval of heartbeats on each link (default 500)", false,
            s => s.ClusterHeartbeatMs.ToString(CultureInfo.InvariantCulture), (s, v) => Integer(v, 10, 60_000, ms => s.ClusterHeartbeatMs = (int)ms)) { InConfig = false },
        new("cluster-suspect-ms", "ClusterSuspectMs", "silence after which a peer is suspect (default 3000)", false,
            s => s.ClusterSuspectMs.ToString(CultureInfo.InvariantCulture), (s, v) => Integer(v, 10, 3_600_000, ms => s.ClusterSuspectMs = (int)ms)) { InConfig = false },
        new("cluster-dead-ms", "ClusterDeadMs", "silence after which a peer is dead: its interest is dropped (default 10000)", false,
            s => s.ClusterDeadMs.ToString(CultureInfo.InvariantCulture), (s, v) => Integer(v, 10, 3_600_000, ms => s.ClusterDeadMs = (int)ms)) { InConfig = false },
        new("cluster-tls-certificate", "ClusterTlsCertificate", "PFX certificate for the gossip endpoint; enables TLS between nodes", false,
            s => s.ClusterTlsCertificate ?? "", (s, v) => File.Exists(v) ? Ok(() => s.ClusterTlsCertificate = v) : "argument must be the path of an existing .pfx file") { InConfig = false },
        new("cluster-tls-certificate-password", "ClusterTlsCertificatePassword", "password of the PFX certificate", false,
            s => "", (s, v) => Ok(() => s.ClusterTlsCertificatePassword = v)) { InConfig = false },
        new("cluster-tls-ca", "ClusterTlsCa", "PEM certificate of the authority peers' certificates must chain to (default: the system's trust)", false,
            s => s.ClusterTlsCa ?? "", (s, v) => File.Exists(v) ? Ok(() => s.ClusterTlsCa = v) : "argument must be the path of an existing PEM file") { InConfig = false },
    ];

    private static bool ParsePeers(string value, out string[] peers)
    {
        peers = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Contains("://", StringComparison.Ordinal) ? p : "http://" + p).ToArray();
        return peers.All(p => Uri.TryCreate(p, UriKind.Absolute, out Uri? uri) && uri.Port > 0 && uri.Scheme is "http" or "https");
    }

    private static Dictionary<string, OutputBufferLimit>? ParseOutputLimits(string value, Dictionary<string, OutputBufferLimit> current)
    {
        string[] parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts.Length % 4 != 0)
        {
            return null;
        }
        var limits = new Dictionary<string, OutputBufferLimit>(current);
        for (int i = 0; i < parts.Length; i += 4)
        {
            string name = parts[i].ToLowerInvariant() switch
            {
                "replica" or "slave" => "slave",
                "normal" => "normal",
                "pubsub" => "pubsub",
                _ => "",
            };
            if (name.Length == 0 || !ParseMemory(parts[i + 1], out long hard) || !ParseMemory(parts[i + 2], out long soft)
                || !int.TryParse(parts[i + 3], NumberStyles.None, CultureInfo.InvariantCulture, out int seconds))
            {
                return null;
            }
            limits[name] = new OutputBufferLimit(hard, soft, seconds);
        }
        return limits;
    }

    /// <summary>A collection size setting under its Redis 7 name and its old ziplist alias; values take units (64kb).</summary>
    private static SettingDescriptor[] Sized(string name, string alias, string configKey, string help, bool memory,
        Func<Storage.CollectionLimits, long> get, Action<Storage.CollectionLimits, long> set)
    {
        Func<NodeSettings, string> read = s => get(s.Collections).ToString(CultureInfo.InvariantCulture);
        Func<NodeSettings, string, string?> write = memory
            ? (s, v) => Memory(v, 0, long.MaxValue, n => set(s.Collections, n))
            : (s, v) => Integer(v, 0, long.MaxValue, n => set(s.Collections, n));
        return
        [
            new(name, configKey, help, true, read, write),
            new(alias, configKey.Replace("Listpack", "Ziplist", StringComparison.Ordinal), "old name of " + name, true, read, write),
        ];
    }

    /// <summary>
    /// Redis's save rules: pairs of seconds (at least 1) and changes (at least 0) separated by single spaces, each read
    /// as strtoll reads it; "" clears them. Returns the rules as CONFIG GET shows them, or null when Redis refuses them.
    /// </summary>
    public static string? ParseSaveRules(string value)
    {
        if (value.Length == 0)
        {
            return "";
        }
        string[] parts = value.Split(' ');
        if (parts.Length % 2 != 0)
        {
            return null;
        }
        var rules = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!StrToLl(parts[i], out rules[i]) || rules[i] < (i % 2 == 0 ? 1 : 0))
            {
                return null;
            }
        }
        // Redis keeps seconds as time_t and changes as int, and prints them back that way.
        return string.Join(' ', rules.Select((n, i) => i % 2 == 0 ? n : (int)n).Select(n => n.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>C's strtoll with the whole text consumed: leading white space and a sign allowed, saturating on overflow.</summary>
    private static bool StrToLl(string text, out long value)
    {
        value = 0;
        int p = 0;
        while (p < text.Length && text[p] is ' ' or '\t' or '\n' or '\v' or '\f' or '\r')
        {
            p++;
        }
        bool negative = false;
        if (p < text.Length && text[p] is '+' or '-')
        {
            negative = text[p] == '-';
            p++;
        }
        int digitsStart = p;
        decimal magnitude = 0;
        while (p < text.Length && char.IsAsciiDigit(text[p]))
        {
            magnitude = Math.Min(magnitude * 10 + (text[p] - '0'), (decimal)long.MaxValue + 1);
            p++;
        }
        if (p == digitsStart)
        {
            // No digits: strtoll consumes nothing, so only an empty text ends where it stopped.
            return text.Length == 0;
        }
        if (p != text.Length)
        {
            return false;
        }
        decimal signed = negative ? -magnitude : magnitude;
        value = signed > long.MaxValue ? long.MaxValue : signed < long.MinValue ? long.MinValue : (long)signed;
        return true;
    }

    public static SettingDescriptor? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    private static string? Ok(Action apply)
    {
        apply();
        return null;
    }

    /// <summary>Redis's integer config: string2ll, then the bounds; the errors are worded as CONFIG SET words them.</summary>
    private static string? Integer(string value, long min, long max, Action<long> apply)
    {
        if (!RespNumber.TryParseInt64(Encoding.UTF8.GetBytes(value), out long n))
        {
            return "argument couldn't be parsed into an integer";
        }
        return Bounded(n, min, max, apply);
    }

    /// <summary>Redis's memory config: memtoull (a count with an optional unit), then the bounds.</summary>
    private static string? Memory(string value, long min, long max, Action<long> apply) =>
        ParseMemory(value, out long bytes) ? Bounded(bytes, min, max, apply) : "argument must be a memory value";

    private static string? Bounded(long value, long min, long max, Action<long> apply) =>
        value < min || value > max ? $"argument must be between {min} and {max} inclusive" : Ok(() => apply(value));

    /// <summary>Redis's boolean config (yes/no, any case); true/false too, as .NET configuration writes booleans.</summary>
    private static bool YesNo(string value, out bool on)
    {
        on = value.Equals("yes", StringComparison.OrdinalIgnoreCase) || value.Equals("true", StringComparison.OrdinalIgnoreCase);
        return on || value.Equals("no", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase);
    }

    private static bool ParseBind(string value, out string[] addresses)
    {
        addresses = value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return addresses.Length > 0 && addresses.All(a => a == "*" || a == "-::*" || System.Net.IPAddress.TryParse(a.TrimStart('-'), out _));
    }

    /// <summary>
    /// Redis's memtoull: digits with an optional unit, case-insensitive (k/kb/m/mb/g/gb, where k = 1000 and kb = 1024);
    /// no sign, no spaces; no digits at all reads as 0.
    /// </summary>
    public static bool ParseMemory(string value, out long bytes)
    {
        bytes = 0;
        int digits = 0;
        while (digits < value.Length && char.IsAsciiDigit(value[digits]))
        {
            digits++;
        }
        long multiplier = value[digits..].ToLowerInvariant() switch
        {
            "" or "b" => 1,
            "k" => 1000,
            "kb" => 1024,
            "m" => 1000 * 1000,
            "mb" => 1024 * 1024,
            "g" => 1000L * 1000 * 1000,
            "gb" => 1024L * 1024 * 1024,
            _ => 0,
        };
        if (multiplier == 0)
        {
            return false;
        }
        if (digits == 0)
        {
            return true;
        }
        if (!long.TryParse(value.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n > long.MaxValue / multiplier)
        {
            return false;
        }
        bytes = n * multiplier;
        return true;
    }
}
