using RedisClone.Node.Configuration;
using RedisClone.Node.PubSub;

namespace RedisClone.Node.Cluster;

/// <summary>
/// This node's place in the cluster, composed of its aspects: <see cref="LocalIdentity"/> (who it is),
/// <see cref="ClusterKey"/> and <see cref="PeerChannelFactory"/> (how links authenticate and dial), <see cref="Membership"/>,
/// <see cref="Liveness"/> and <see cref="Formation"/> (who is out there and alive), <see cref="InterestAnnouncer"/>,
/// <see cref="InterestRouter"/> and <see cref="LocalDelivery"/> (messages out and in), <see cref="FaultSwitch"/>,
/// <see cref="InboundCalls"/> and <see cref="FaultCounters"/> (cutting, ending and counting). What is left here is
/// their lifecycle: start, the fault switch thrown, graceful stop.
/// </summary>
internal sealed partial class ClusterNode : IInterestListener, IAsyncDisposable
{
    /// <summary>The largest gRPC message either end accepts (see <see cref="PeerChannelFactory.MaxFrameBytes"/>).</summary>
    public const int MaxFrameBytes = PeerChannelFactory.MaxFrameBytes;

    private readonly ILogger<ClusterNode> _logger;
    private readonly ILoggerFactory _loggers;
    private readonly FaultSwitch _faultSwitch = new();
    private readonly PeerLinkServices _linkServices;
    private readonly InterestAnnouncer _announcer;
    private readonly Liveness _liveness;
    private readonly Formation _formation;
    private int _stopping;
    private int _disposed;

    public ClusterNode(NodeSettings settings, PubSubBroker pubSub, ILoggerFactory loggers)
    {
        _loggers = loggers;
        // Every aspect logs under this type's category, as before the split, so log filters keep working.
        _logger = loggers.CreateLogger<ClusterNode>();
        Settings = settings;
        Self = new LocalIdentity(Settings);
        Key = new ClusterKey(Settings.ClusterKey);
        var channels = new PeerChannelFactory(Settings.ClusterTlsCa);
        FaultCounters = new FaultCounters(_logger);
        Inbound = new InboundCalls(_faultSwitch);
        Members = new Membership(Self, OpenLink, _logger);
        _announcer = new InterestAnnouncer(pubSub, Members, Settings);
        Router = new InterestRouter(Members, Self);
        Delivery = new LocalDelivery(pubSub, Self);
        _linkServices = new PeerLinkServices(Settings, Self, Key, channels, _faultSwitch, FaultCounters, Members, _announcer);
        _liveness = new Liveness(Members, Settings, FaultCounters, _logger);
        _formation = new Formation(Members, Settings, FaultCounters, _logger);
    }

    public NodeSettings Settings { get; }
    public LocalIdentity Self { get; }
    public ClusterKey Key { get; }
    public FaultCounters FaultCounters { get; }
    public InboundCalls Inbound { get; }
    public Membership Members { get; }
    public InterestRouter Router { get; }
    public LocalDelivery Delivery { get; }

    public string Name => Self.Name;
    public ulong Incarnation => Self.Incarnation;
    public string Address => Self.Address;

    /// <summary>The fault switch (tests): while set, every link is down and no new one is accepted or made.</summary>
    public bool LinksCut => _faultSwitch.LinksCut;

    /// <inheritdoc cref="Formation"/>
    public Task Formed => _formation.Formed;

    public long Faults => FaultCounters.Faults;
    public long Stalls => FaultCounters.Stalls;
    public long ReplayGaps => FaultCounters.ReplayGaps;
    public long RejectedCalls => FaultCounters.RejectedCalls;

    /// <summary>Messages numbered for peers but never sent to them (window overflow, peer dead, peer restarted).</summary>
    public long Dropped => MembersSnapshot().Sum(m => m.Link?.Log.Dropped ?? 0);

    public IReadOnlyList<Member> MembersSnapshot() => Members.Snapshot();

    public Task InterestChanged(PubSubBroker.Kind kind, byte[] name, bool added, ulong version) =>
        _announcer.InterestChanged(kind, name, added, version);

    public void Forward(PubSubBroker.Kind kind, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> payload) =>
        Router.Forward(kind, channel, payload);

    private PeerLink OpenLink(string address) => new(address, _linkServices, _loggers.CreateLogger<PeerLink>());

    /// <summary>Starts gossip once the endpoints are bound: links to every seed, and the liveness timer.</summary>
    public void Start(int boundPort)
    {
        Self.Bind(boundPort);
        foreach (string seed in Settings.ClusterPeers.Concat(Settings.DiscoveredPeers).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            Members.AddSeed(seed);
        }
        _liveness.Start();
        // Links are made and accepted once the node knows its own address, and no longer once it shuts down.
        Members.Open();
        Inbound.Open();
        _formation.Start();
        LogStarted(Name, Address, Settings.ClusterPeers.Length + Settings.DiscoveredPeers.Length);
    }

    /// <summary>Fault switch: drops every link for <paramref name="duration"/>; links come back by themselves after it.</summary>
    public void CutLinks(TimeSpan duration)
    {
        _faultSwitch.Cut(duration);
        foreach (PeerLink link in Members.AllLinks())
        {
            link.Drop("fault switch");
        }
        Inbound.AbortAll();
    }

    /// <summary>
    /// Graceful stop (SIGTERM): what this node accepted is first handed to its connected peers (up to
    /// <paramref name="drainFor"/>), then links close and calls from peers end, each step bounded so that shutdown
    /// never waits on a stuck link or a vanished peer.
    /// </summary>
    public async Task StopAsync(TimeSpan drainFor)
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 1)
        {
            return;
        }
        try
        {
            await DrainAsync(drainFor);
        }
        catch (Exception ex)
        {
            FaultCounters.CountFault("shutdown drain", ex);
        }
        await DisposeAsync();
    }

    private async Task DrainAsync(TimeSpan drainFor)
    {
        long deadline = Environment.TickCount64 + (long)drainFor.TotalMilliseconds;
        List<(PeerLink Link, ulong Target)> pending = [.. Members.AllLinks().Where(l => l.Connected).Select(l => (l, l.Log.LastSequence))];
        while (pending.Count > 0 && Environment.TickCount64 < deadline)
        {
            pending.RemoveAll(p => !p.Link.Connected || p.Link.Log.Acknowledged >= p.Target || p.Link.Log.Count == 0);
            if (pending.Count > 0)
            {
                await Task.Delay(10);
            }
        }
        foreach ((PeerLink link, ulong target) in pending)
        {
            LogDrainIncomplete(link.Member?.Name ?? link.Address, target - link.Log.Acknowledged);
        }
    }

    /// <summary>Stops gossip: links to peers close and calls from peers end, so shutdown does not wait on them.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        Inbound.Close();
        Members.Close();
        await _liveness.DisposeAsync();
        Inbound.AbortAll();
        await Task.WhenAll(Members.AllLinks().Select(link => link.DisposeAsync().AsTask()));
    }

    [LoggerMessage(EventId = 3020, Level = LogLevel.Information, Message = "Cluster node {Name} gossiping at {Address} with {Seeds} seed(s)")]
    private partial void LogStarted(string name, string address, int seeds);

    [LoggerMessage(EventId = 3026, Level = LogLevel.Warning, Message = "Shutting down before peer {Peer} acknowledged {Count} message(s)")]
    private partial void LogDrainIncomplete(string peer, ulong count);
}
