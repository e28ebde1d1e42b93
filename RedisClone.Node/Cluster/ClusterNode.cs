using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using RedisClone.Node.Cluster.Protocol;
using RedisClone.Node.Hosting;
using RedisClone.Node.PubSub;
using RedisClone.Node.Server;

namespace RedisClone.Node.Cluster;

/// <summary>
/// This node's place in the cluster: its identity, the members it knows, the links to them, and interest routing.
/// A PUBLISH goes only to peers whose announced interest (channels, patterns, shard channels) matches; a SUBSCRIBE
/// that gives this node a new interest is acknowledged to the client only after every connected peer routes by it.
/// </summary>
public sealed partial class ClusterNode : IInterestListener, IAsyncDisposable
{
    public const string KeyHeader = "x-redisclone-cluster-key";

    private readonly NodeServer _server;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger<ClusterNode> _logger;
    private readonly Lock _routeLock = new();
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);
    private readonly List<PeerLink> _seedLinks = [];
    private readonly List<CancellationTokenSource> _inbound = [];
    private readonly byte[] _keyBytes;
    private Timer? _livenessTimer;
    private long _cutUntilTicks;
    private long _replayGaps;

    public ClusterNode(NodeServer server, ILoggerFactory loggers)
    {
        _server = server;
        _loggers = loggers;
        _logger = loggers.CreateLogger<ClusterNode>();
        Settings = server.Settings;
        Name = Settings.NodeName ?? DefaultName(Settings);
        Incarnation = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        _keyBytes = Encoding.UTF8.GetBytes(Settings.ClusterKey ?? "");
        if (Settings.ClusterTlsCa is not null)
        {
            try
            {
                _authority = X509Certificate2.CreateFromPem(File.ReadAllText(Settings.ClusterTlsCa));
            }
            catch (CryptographicException ex)
            {
                throw new CommandLine.UsageException($"invalid --cluster-tls-ca (Redis:ClusterTlsCa) '{Settings.ClusterTlsCa}': {ex.Message}");
            }
        }
    }

    // The authority peers' certificates must chain to; null: the system's trust decides.
    private readonly X509Certificate2? _authority;

    public NodeSettings Settings { get; }
    public string Name { get; }
    public ulong Incarnation { get; }
    public string Address { get; private set; } = "";
    public int BoundPort { get; private set; }

    /// <summary>Links are accepted once the node knows its own address.</summary>
    public bool Started { get; private set; }

    public NodeIdentity Identity => new() { Name = Name, Incarnation = Incarnation, GossipAddress = Address };

    public long ReplayGaps => Interlocked.Read(ref _replayGaps);

    /// <summary>Gossip calls refused for a wrong or missing cluster key.</summary>
    public long RejectedCalls => Interlocked.Read(ref _rejectedCalls);

    private long _rejectedCalls;

    public void CountRejectedCall() => Interlocked.Increment(ref _rejectedCalls);

    /// <summary>The fault switch (tests): while set, every link is down and no new one is accepted or made.</summary>
    public bool LinksCut => Environment.TickCount64 < Interlocked.Read(ref _cutUntilTicks);

    /// <summary>A stable default name: the same host and port give the same name after a restart.</summary>
    private static string DefaultName(NodeSettings settings) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{Environment.MachineName}:{string.Join(',', settings.Bind)}:{settings.Port}")))[..16];

    /// <summary>Starts gossip once the endpoints are bound: links to every seed, and the liveness timer.</summary>
    public void Start(int boundPort)
    {
        BoundPort = boundPort;
        string host = Settings.Bind.FirstOrDefault(b => b is not ("*" or "0.0.0.0" or "::" or "-::*" or "::*")) ?? Environment.MachineName;
        string scheme = Settings.ClusterTlsCertificate is null ? "http" : "https";
        Address = Settings.ClusterAnnounceAddress ?? $"{scheme}://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{boundPort}";
        foreach (string seed in Settings.ClusterPeers.Concat(Settings.DiscoveredPeers).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var link = new PeerLink(this, seed, _loggers.CreateLogger<PeerLink>());
            lock (_routeLock)
            {
                _seedLinks.Add(link);
            }
            link.Start();
        }
        int period = Math.Max(10, Settings.ClusterHeartbeatMs / 2);
        _livenessTimer = new Timer(_ => UpdateLiveness(), null, period, period);
        Started = true;
        LogStarted(Name, Address, Settings.ClusterPeers.Length + Settings.DiscoveredPeers.Length);
    }

    public GrpcChannel CreateChannel(string address)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(10),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        if (_authority is { } authority)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => ChainsTo(certificate, authority);
        }
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler, MaxReceiveMessageSize = 64 * 1024 * 1024 });
    }

    private static bool ChainsTo(X509Certificate? certificate, X509Certificate2 authority)
    {
        if (certificate is null)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var peer = new X509Certificate2(certificate);
        return chain.Build(peer);
    }

    public Metadata CallHeaders() => new() { { KeyHeader, Settings.ClusterKey ?? "" } };

    public bool IsAuthorized(Metadata headers)
    {
        string presented = headers.GetValue(KeyHeader) ?? "";
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _keyBytes);
    }

    /// <summary>Ties an inbound call to the fault switch, so cutting links also ends calls already open.</summary>
    public CancellationTokenSource RegisterInbound(CancellationToken callToken)
    {
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(callToken);
        lock (_inbound)
        {
            _inbound.RemoveAll(c => c.IsCancellationRequested);
            _inbound.Add(cancel);
        }
        return cancel;
    }

    /// <summary>Fault switch: drops every link for <paramref name="duration"/>; links come back by themselves after it.</summary>
    public void CutLinks(TimeSpan duration)
    {
        Interlocked.Exchange(ref _cutUntilTicks, Environment.TickCount64 + (long)duration.TotalMilliseconds);
        foreach (PeerLink link in AllLinks())
        {
            link.Drop("fault switch");
        }
        CancelInbound();
    }

    /// <summary>Ends every call peers have open to this node.</summary>
    private void CancelInbound()
    {
        lock (_inbound)
        {
            foreach (CancellationTokenSource cancel in _inbound)
            {
                try
                {
                    cancel.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // That call already ended and disposed its source.
                }
            }
            _inbound.Clear();
        }
    }

    private List<PeerLink> AllLinks()
    {
        lock (_routeLock)
        {
            return [.. _seedLinks, .. _members.Values.Select(m => m.Link).OfType<PeerLink>().Except(_seedLinks)];
        }
    }

    /// <summary>A link learned who is at the other end. Returns the member, or null when the link is not needed.</summary>
    public Member? OnLinkWelcomed(PeerLink link, NodeIdentity peer)
    {
        if (peer.Name == Name)
        {
            return null;
        }
        lock (_routeLock)
        {
            Member member = GetOrAddMember(peer);
            if (member.Link is not null && member.Link != link)
            {
                return null; // already linked through another address
            }
            member.Link = link;
            return member;
        }
    }

    /// <summary>A peer opened its link to us: remember it, and make sure we have a link to it too.</summary>
    public Member OnInboundHello(NodeIdentity peer)
    {
        Member member;
        bool needsLink;
        lock (_routeLock)
        {
            member = GetOrAddMember(peer);
            needsLink = member.Link is null;
        }
        lock (member.ReceiveSync)
        {
            if (member.ReceiveIncarnation != peer.Incarnation)
            {
                member.ReceiveIncarnation = peer.Incarnation;
                member.LastReceivedSequence = 0;
            }
        }
        member.Seen();
        if (needsLink)
        {
            EnsureLink(member);
        }
        return member;
    }

    /// <summary>Member lists from peers: start links to the ones we did not know.</summary>
    public void Learn(IEnumerable<NodeIdentity> alive)
    {
        foreach (NodeIdentity peer in alive)
        {
            if (peer.Name == Name || string.IsNullOrEmpty(peer.GossipAddress))
            {
                continue;
            }
            Member member;
            lock (_routeLock)
            {
                member = GetOrAddMember(peer);
            }
            EnsureLink(member);
        }
    }

    private Member GetOrAddMember(NodeIdentity peer)
    {
        if (!_members.TryGetValue(peer.Name, out Member? member))
        {
            member = new Member(peer.Name, peer.GossipAddress) { Incarnation = peer.Incarnation };
            _members[peer.Name] = member;
            LogMemberJoined(peer.Name, peer.GossipAddress);
        }
        else if (string.IsNullOrEmpty(member.Address) && !string.IsNullOrEmpty(peer.GossipAddress))
        {
            member.Address = peer.GossipAddress;
        }
        else if (peer.Incarnation > member.Incarnation)
        {
            // The peer restarted: what we queued for its previous life has no subscribers left, and it announces
            // its interest afresh.
            member.Incarnation = peer.Incarnation;
            member.Interest.Clear();
            member.Link?.Log.Reset();
            member.Link?.Drop("peer restarted");
            if (!string.IsNullOrEmpty(peer.GossipAddress))
            {
                member.Address = peer.GossipAddress;
            }
            LogMemberRestarted(peer.Name);
        }
        return member;
    }

    private void EnsureLink(Member member)
    {
        PeerLink? link = null;
        lock (_routeLock)
        {
            if (member.Link is null && !string.IsNullOrEmpty(member.Address))
            {
                link = new PeerLink(this, member.Address, _loggers.CreateLogger<PeerLink>());
                member.Link = link;
            }
        }
        link?.Start();
    }

    public Members AliveMembers()
    {
        var members = new Members();
        members.Alive.Add(Identity);
        lock (_routeLock)
        {
            foreach (Member member in _members.Values)
            {
                if (member.State != MemberState.Dead)
                {
                    members.Alive.Add(member.Identity);
                }
            }
        }
        return members;
    }

    public IReadOnlyList<Member> MembersSnapshot()
    {
        lock (_routeLock)
        {
            return [.. _members.Values.OrderBy(m => m.Name, StringComparer.Ordinal)];
        }
    }

    private void UpdateLiveness()
    {
        long now = Environment.TickCount64;
        foreach (Member member in MembersSnapshot())
        {
            long silence = now - member.LastSeenTicks;
            MemberState state = silence > Settings.ClusterDeadMs ? MemberState.Dead
                : silence > Settings.ClusterSuspectMs ? MemberState.Suspect
                : MemberState.Alive;
            if (state == member.State)
            {
                continue;
            }
            lock (_routeLock)
            {
                member.State = state;
                if (state == MemberState.Dead)
                {
                    // Nobody will ask for a replay: stop queueing for it until it announces itself again, which
                    // its next link does (both directions are restarted so that happens even after a long pause).
                    member.Interest.Clear();
                    member.Link?.Log.Clear();
                    member.Link?.Drop("peer dead");
                    member.InboundCancel?.Cancel();
                }
            }
            LogStateChanged(member.Name, state.ToString().ToLowerInvariant(), silence);
        }
    }

    // ---- Interest: ours announced to peers, theirs used for routing. ----

    public InterestSnapshot LocalInterestSnapshot()
    {
        (ulong version, List<byte[]> channels, List<byte[]> patterns, List<byte[]> shardChannels) = _server.PubSub.InterestState();
        var snapshot = new InterestSnapshot { Version = version };
        snapshot.Channels.AddRange(channels.Select(ByteString.CopyFrom));
        snapshot.Patterns.AddRange(patterns.Select(ByteString.CopyFrom));
        snapshot.ShardChannels.AddRange(shardChannels.Select(ByteString.CopyFrom));
        return snapshot;
    }

    /// <summary>Called by the broker (under its lock) when this node gains or loses an interest.</summary>
    public Task InterestChanged(PubSubBroker.Kind kind, byte[] name, bool added, ulong version)
    {
        var change = new InterestChange
        {
            Version = version,
            Kind = kind switch
            {
                PubSubBroker.Kind.Channel => InterestChange.Types.Kind.Channel,
                PubSubBroker.Kind.Pattern => InterestChange.Types.Kind.Pattern,
                _ => InterestChange.Types.Kind.ShardChannel,
            },
            Name = ByteString.CopyFrom(name),
            Added = added,
        };
        List<Task>? acks = null;
        foreach (PeerLink link in AllLinks())
        {
            if (link.Member is null)
            {
                continue;
            }
            Task ack = link.SendInterestChange(change);
            if (!ack.IsCompleted)
            {
                (acks ??= []).Add(ack);
            }
        }
        if (acks is null || !added)
        {
            return Task.CompletedTask; // losing interest needs no wait: extra messages are simply not delivered
        }
        // A peer that does not answer within the suspect time is not "connected" any more.
        return Task.WhenAny(Task.WhenAll(acks), Task.Delay(Settings.ClusterSuspectMs));
    }

    public void ReplaceRemoteInterest(Member member, InterestSnapshot snapshot)
    {
        lock (_routeLock)
        {
            member.Interest.Replace(snapshot.Version,
                snapshot.Channels.Select(c => c.ToByteArray()),
                snapshot.Patterns.Select(p => p.ToByteArray()),
                snapshot.ShardChannels.Select(s => s.ToByteArray()));
            member.State = MemberState.Alive;
        }
    }

    public void ApplyRemoteInterest(Member member, InterestChange change)
    {
        PubSubBroker.Kind kind = change.Kind switch
        {
            InterestChange.Types.Kind.Channel => PubSubBroker.Kind.Channel,
            InterestChange.Types.Kind.Pattern => PubSubBroker.Kind.Pattern,
            _ => PubSubBroker.Kind.Shard,
        };
        lock (_routeLock)
        {
            member.Interest.Apply(change.Version, kind, change.Name.ToByteArray(), change.Added);
        }
    }

    // ---- Messages. ----

    /// <summary>
    /// Sends a PUBLISH or SPUBLISH accepted here to every peer with a matching subscriber; never waits. When the
    /// PUBLISH is traced, a Producer span covers the hand-over and its context travels inside each message.
    /// </summary>
    public void Forward(PubSubBroker.Kind kind, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> payload)
    {
        ByteString? channelBytes = null, payloadBytes = null;
        Activity? span = null;
        string traceParent = "", traceState = "";
        int peers = 0;
        lock (_routeLock)
        {
            foreach (Member member in _members.Values)
            {
                if (member.Link is null || member.State == MemberState.Dead || member.Interest.IsEmpty)
                {
                    continue;
                }
                bool wanted = kind == PubSubBroker.Kind.Shard ? member.Interest.WantsShardPublish(channel) : member.Interest.WantsPublish(channel);
                if (!wanted)
                {
                    continue;
                }
                if (channelBytes is null)
                {
                    channelBytes = ByteString.CopyFrom(channel);
                    payloadBytes = ByteString.CopyFrom(payload);
                    if (Activity.Current is not null && NodeTelemetry.Source.HasListeners())
                    {
                        span = NodeTelemetry.Source.StartActivity("PUBLISH forward", ActivityKind.Producer);
                        span?.SetTag("redisclone.node", Name);
                    }
                    (traceParent, traceState) = NodeTelemetry.CurrentContext();
                }
                member.Link.Enqueue(kind == PubSubBroker.Kind.Shard ? Message.Types.Kind.Spublish : Message.Types.Kind.Publish, channelBytes, payloadBytes!, traceParent, traceState);
                peers++;
            }
        }
        if (span is not null)
        {
            span.SetTag("redisclone.peers", peers);
            span.Dispose();
        }
    }

    /// <summary>Delivers a peer's message to this node's subscribers, in a Consumer span when the sender traced it.</summary>
    public void DeliverLocally(Message message, Member from)
    {
        Activity? span = null;
        if (message.Traceparent.Length > 0 && NodeTelemetry.Source.HasListeners()
            && ActivityContext.TryParse(message.Traceparent, message.Tracestate, isRemote: true, out ActivityContext parent))
        {
            span = NodeTelemetry.Source.StartActivity("PUBLISH deliver", ActivityKind.Consumer, parent);
            span?.SetTag("redisclone.node", Name);
            span?.SetTag("redisclone.origin", from.Name);
        }
        int delivered = message.Kind == Message.Types.Kind.Spublish
            ? _server.PubSub.ShardPublish(message.Channel.Span, message.Payload.Span, null)
            : _server.PubSub.Publish(message.Channel.Span, message.Payload.Span, null);
        if (span is not null)
        {
            span.SetTag("redisclone.delivered", delivered);
            span.Dispose();
        }
    }

    public void CountGap(Member member, ulong missing) => Interlocked.Add(ref _replayGaps, (long)missing);

    /// <summary>Stops gossip: links to peers close and calls from peers end, so shutdown does not wait on them.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        Started = false;
        if (_livenessTimer is not null)
        {
            await _livenessTimer.DisposeAsync();
        }
        CancelInbound();
        foreach (PeerLink link in AllLinks())
        {
            await link.DisposeAsync();
        }
    }

    private int _disposed;

    [LoggerMessage(EventId = 3020, Level = LogLevel.Information, Message = "Cluster node {Name} gossiping at {Address} with {Seeds} seed(s)")]
    private partial void LogStarted(string name, string address, int seeds);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Information, Message = "Peer {Name} joined at {Address}")]
    private partial void LogMemberJoined(string name, string address);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Information, Message = "Peer {Name} restarted (new incarnation)")]
    private partial void LogMemberRestarted(string name);

    [LoggerMessage(EventId = 3023, Level = LogLevel.Warning, Message = "Peer {Name} is now {State} (silent for {SilenceMs} ms)")]
    private partial void LogStateChanged(string name, string state, long silenceMs);
}

/// <summary>Told by the pub/sub broker when this node's interest changes (first subscriber in, last one out).</summary>
public interface IInterestListener
{
    Task InterestChanged(PubSubBroker.Kind kind, byte[] name, bool added, ulong version);
}
