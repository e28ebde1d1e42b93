namespace RedisClone.Node.Configuration;

/// <summary>The node's settings. Each is a flag (--port), a configuration key (Redis:Port / Redis__Port) and,
/// where Redis allows it, a CONFIG GET/SET parameter: see <see cref="SettingCatalog"/>.</summary>
internal sealed class NodeSettings
{
    public int Port { get; set; } = 6379;
    public string[] Bind { get; set; } = ["127.0.0.1"];
    public string? RequirePass { get; set; }

    /// <summary>protected-mode, as Redis 7: while on and no password is set, only clients on 127.0.0.1 or ::1 are served.</summary>
    public bool ProtectedMode { get; set; } = true;
    public int Databases { get; set; } = 16;
    public long MaxClients { get; set; } = 10000;
    public long ProtoMaxBulkLen { get; set; } = 512L * 1024 * 1024;
    public long ClientQueryBufferLimit { get; set; } = 1024L * 1024 * 1024;
    public int Hz { get; set; } = 10;
    public int Timeout { get; set; }

    /// <summary>HTTP port for /health and /alive; none unless set.</summary>
    public int? HttpPort { get; set; }

    /// <summary>Stop when standard input closes: a supervisor's pipe, so the node does not outlive the supervisor.</summary>
    public bool ExitOnStdinClose { get; set; }

    /// <summary>client-output-buffer-limit per class (normal, replica, pubsub); only pubsub has a bounded queue here.</summary>
    public Dictionary<string, OutputBufferLimit> OutputBufferLimits { get; set; } = new()
    {
        ["normal"] = new(0, 0, 0),
        ["slave"] = new(256L * 1024 * 1024, 64L * 1024 * 1024, 60),
        ["pubsub"] = OutputBufferLimit.PubSubDefault,
    };

    /// <summary>
    /// Longest pause, in microseconds, the delivery pump takes between rounds when it is busy, so that each send to a
    /// subscriber carries more messages: after a backlogged round up to this, after other rounds up to a quarter of it
    /// (0: never pause). Each node's own: its pumps are its own, even with other nodes in the process.
    /// </summary>
    public int PubSubRoundPauseMaxUs { get; set; } = 20_000;

    /// <summary>The size settings that decide collection encodings (OBJECT ENCODING).</summary>
    public Storage.CollectionLimits Collections { get; } = new();

    /// <summary>save, as CONFIG GET shows it ("3600 1 300 100"): accepted and shown, never acted on (the node does not persist).</summary>
    public string Save { get; set; } = "";

    /// <summary>slowlog-log-slower-than, in microseconds: -1 logs nothing, 0 logs every command.</summary>
    public long SlowlogLogSlowerThan { get; set; } = 10_000;

    /// <summary>slowlog-max-len: entries the slow log keeps (the oldest go first).</summary>
    public long SlowlogMaxLen { get; set; } = 128;

    /// <summary>latency-monitor-threshold, in milliseconds: 0 turns the latency monitor off.</summary>
    public long LatencyMonitorThreshold { get; set; }

    /// <summary>notify-keyspace-events, as Redis's flag letters (empty: off).</summary>
    public string NotifyKeyspaceEvents { get; set; } = "";

    /// <summary>Record a sanitised db.query.text on each command span (off: arguments can hold secrets).</summary>
    public bool TraceQueryText { get; set; }

    /// <summary>enable-debug-command, as in Redis 7: who may run DEBUG (its GOSSIP-CUT is the cluster's fault switch).</summary>
    public DebugCommandAccess EnableDebugCommand { get; set; } = DebugCommandAccess.No;

    // Cluster (gossip) settings: see Cluster/ClusterNode.cs. Read at start only.
    public string? NodeName { get; set; }
    public int? ClusterPort { get; set; }
    public string[] ClusterPeers { get; set; } = [];
    public string? ClusterKey { get; set; }
    public string? ClusterAnnounceAddress { get; set; }
    public int ClusterReplayWindowMs { get; set; } = 5000;
    public int ClusterReplayWindowMessages { get; set; } = 100_000;
    public long ClusterReplayWindowBytes { get; set; } = 64L * 1024 * 1024;
    public int ClusterHeartbeatMs { get; set; } = 500;
    public int ClusterSuspectMs { get; set; } = 3000;
    public int ClusterDeadMs { get; set; } = 10_000;
    public string? ClusterTlsCertificate { get; set; }
    public string? ClusterTlsCertificatePassword { get; set; }
    public string? ClusterTlsCa { get; set; }

    /// <summary>Peers found in service-discovery configuration (services:&lt;name&gt;:gossip:0), as an Aspire AppHost injects them.</summary>
    public string[] DiscoveredPeers { get; set; } = [];

    /// <summary>A node is clustered when it has peers or a cluster port was set explicitly.</summary>
    public bool Clustered => ClusterPeers.Length > 0 || DiscoveredPeers.Length > 0 || ClusterPort is not null;

    /// <summary>The gossip port: as set, or the RESP port + 10000 like Redis's cluster bus (0 stays 0: any free port).</summary>
    public int EffectiveClusterPort => ClusterPort ?? (Port == 0 ? 0 : Port + 10000);
}
