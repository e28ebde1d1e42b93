using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using RedisClone.Node.Clients;
using RedisClone.Node.Cluster;
using RedisClone.Node.Configuration;
using RedisClone.Node.Delivery;
using RedisClone.Node.Observability;
using RedisClone.Node.Protocol;
using RedisClone.Node.PubSub;
using RedisClone.Node.Storage;

namespace RedisClone.Node.Commands;

/// <summary>Everything a command can reach: settings, keyspace, clients, the command table and the counters.</summary>
internal sealed class NodeServer
{
    /// <param name="commands">The command table (<c>CommandRegistration.CreateTable</c>).</param>
    /// <param name="infoSections">INFO's sections in order (<c>CommandRegistration.InfoSections</c>); components may add theirs.</param>
    public NodeServer(NodeSettings settings, CommandTable commands, List<InfoSection> infoSections, ILoggerFactory loggerFactory, IMeterFactory meterFactory)
    {
        Delivery = new DeliveryPump(settings.PubSubRoundPauseMaxUs);
        PubSub = new PubSubBroker(loggerFactory.CreateLogger<PubSubBroker>(), Delivery);
        Monitors = new MonitorFeed(PubSub);
        Settings = settings;
        Keyspace = new Keyspace(settings.Databases);
        Blocking = new RedisClone.Node.Commands.Blocking.BlockingRegistry(Keyspace, settings.Databases);
        Keyspace.ReadyListener = Blocking;
        Limits = new RequestLimits { ProtoMaxBulkLen = settings.ProtoMaxBulkLen, ClientQueryBufferLimit = settings.ClientQueryBufferLimit };
        Commands = commands;
        RunId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        InfoSections = infoSections;
        ExtraStats.Add(("pubsub_channels", () => PubSub.ChannelCount));
        ExtraStats.Add(("pubsub_patterns", () => PubSub.PatternCount));
        ExtraStats.Add(("pubsubshard_channels", () => PubSub.ShardChannelCount));
        ExtraStats.Add(("client_output_buffer_limit_disconnections", () => PubSub.OutputLimitDisconnections));
        ExtraStats.Add(("cross_protocol_attacks", () => CrossProtocol.Attacks));
        StatsReset += PubSub.ResetStats;
        StatsReset += CrossProtocol.ResetStats;
        SettingsChanged();
        Metrics = new NodeMetrics(this, meterFactory);
        Keyspace.KeyCreated += (db, key) => Notify(KeyspaceEventFlags.New, "new", db.Index, key, null);
        Keyspace.KeyExpired += (db, key) => Notify(KeyspaceEventFlags.Expired, "expired", db.Index, key, null);
    }

    /// <summary>INFO's sections in order; components add their own.</summary>
    public List<InfoSection> InfoSections { get; }

    /// <summary>Raised by CONFIG RESETSTAT so components reset their own counters.</summary>
    public Action? StatsReset { get; set; }

    /// <summary>Extra counters for INFO stats, added by components (pub/sub, gossip).</summary>
    public List<(string Name, Func<long> Value)> ExtraStats { get; } = [];

    public NodeSettings Settings { get; }
    public Keyspace Keyspace { get; }

    /// <summary>Clients blocked on keys (BLPOP and friends).</summary>
    public RedisClone.Node.Commands.Blocking.BlockingRegistry Blocking { get; }
    public PubSubBroker PubSub { get; }

    /// <summary>Wakes this node's subscribers and monitors in rounds; its pause is this node's own setting.</summary>
    internal DeliveryPump Delivery { get; }

    /// <summary>Clients in MONITOR mode.</summary>
    public MonitorFeed Monitors { get; }

    public NodeMetrics Metrics { get; }

    /// <summary>The cluster layer, when the node is clustered (null when standalone).</summary>
    public ClusterNode? Cluster { get; set; }

    /// <summary>Client connections wait for it before their first command: the cluster's first link-up (done at once when standalone).</summary>
    public Task ClusterFormed { get; set; } = Task.CompletedTask;

    /// <summary>Set when SIGTERM arrives: new client connections are closed at once, as Redis stops accepting.</summary>
    public bool ShuttingDown
    {
        get => Volatile.Read(ref _shuttingDown);
        set => Volatile.Write(ref _shuttingDown, value);
    }

    private bool _shuttingDown;
    public RequestLimits Limits { get; }
    public CommandTable Commands { get; }
    public ClientRegistry Clients { get; } = new();
    public ServerStats Stats { get; } = new();

    /// <summary>A keyspace notification for <paramref name="key"/> in database <paramref name="db"/>, if its class is enabled.</summary>
    public void Notify(KeyspaceEventFlags type, string eventName, int db, ReadOnlySpan<byte> key, ClientSession? current) =>
        KeyspaceNotifier.Notify(PubSub, NotifyFlags, type, eventName, db, key, current);

    /// <summary>Gives memory back after big transient use (see <see cref="MemoryTrim"/>).</summary>
    public MemoryTrim MemoryTrim { get; } = new();

    /// <summary>POST / Host: sent as commands (cross-protocol scripting): counted, logged at most once a minute.</summary>
    public CrossProtocolGuard CrossProtocol { get; } = new();
    /// <summary>SLOWLOG's entries.</summary>
    public SlowLog SlowLog { get; } = new();

    /// <summary>LATENCY's events.</summary>
    public LatencyMonitor Latency { get; } = new();

    /// <summary>
    /// The shortest run, in microseconds, that the slow log or the latency monitor wants to hear about (long.MaxValue
    /// when both are off): the one comparison each command pays.
    /// </summary>
    public long SlowCommandMicroseconds { get; private set; } = long.MaxValue;

    /// <summary>A command ran at least <see cref="SlowCommandMicroseconds"/>: log it where the settings ask, as Redis's call() does.</summary>
    public void CommandWasSlow(CommandContext context, CommandDefinition command, long microseconds)
    {
        long latencyThreshold = Settings.LatencyMonitorThreshold;
        long milliseconds = microseconds / 1000;
        if (latencyThreshold > 0 && milliseconds >= latencyThreshold)
        {
            Latency.Add(command.Has(CommandFlags.Fast) ? "fast-command" : "command", milliseconds, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        }
        long slowlogThreshold = Settings.SlowlogLogSlowerThan;
        if (slowlogThreshold >= 0 && microseconds >= slowlogThreshold && !command.Has(CommandFlags.SkipSlowlog))
        {
            SlowLog.Add(context.Args, context.RedactedArguments, context.Client.RemoteAddress, context.Client.Name ?? "", microseconds, Settings.SlowlogMaxLen);
        }
    }

    public string RunId { get; }
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>Managed heap bytes in use when the node was created (MEMORY STATS' startup.allocated).</summary>
    public long StartupAllocated { get; } = GC.GetTotalMemory(forceFullCollection: false);

    /// <summary>The HTTP (health) port actually bound; 0 when there is none.</summary>
    public int BoundHttpPort { get; set; }

    /// <summary>The port actually bound (differs from the setting when it was 0).</summary>
    public int BoundPort { get; set; }

    /// <summary>Applies a CONFIG SET that other components cache.</summary>
    public void SettingsChanged()
    {
        Limits.ProtoMaxBulkLen = Settings.ProtoMaxBulkLen;
        Limits.ClientQueryBufferLimit = Settings.ClientQueryBufferLimit;
        PubSub.Limit = Settings.OutputBufferLimits["pubsub"];
        Delivery.MaxPauseMicroseconds = Settings.PubSubRoundPauseMaxUs;
        // The setting is validated when it is set, so it always parses here.
        long slowlog = Settings.SlowlogLogSlowerThan < 0 ? long.MaxValue : Settings.SlowlogLogSlowerThan;
        long latency = Settings.LatencyMonitorThreshold <= 0 || Settings.LatencyMonitorThreshold > long.MaxValue / 1000
            ? long.MaxValue : Settings.LatencyMonitorThreshold * 1000;
        SlowCommandMicroseconds = Math.Min(slowlog, latency);
        NotifyFlags = KeyspaceEvents.TryParse(Settings.NotifyKeyspaceEvents, out KeyspaceEventFlags flags) ? flags : KeyspaceEventFlags.None;
    }

    /// <summary>notify-keyspace-events, parsed.</summary>
    public KeyspaceEventFlags NotifyFlags { get; private set; }
}
