using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
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
/// Split by aspect: this file (identity, channels, the key, the fault switch, shutdown), Membership (members and
/// liveness), Routing (interest and messages), Faults (what went wrong, counted and logged).
/// </summary>
public sealed partial class ClusterNode : IInterestListener, IAsyncDisposable
{
    public const string KeyHeader = "x-redisclone-cluster-key";

    /// <summary>The largest gRPC message either end accepts. Frames stay far below it: big messages go in parts.</summary>
    public const int MaxFrameBytes = 4 * 1024 * 1024;

    private readonly NodeServer _server;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger<ClusterNode> _logger;
    private readonly Lock _routeLock = new();
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);
    private readonly List<PeerLink> _seedLinks = [];
    private readonly HashSet<InboundLink> _inbound = [];
    private readonly byte[] _keyBytes;
    private Timer? _livenessTimer;
    private long _cutUntilTicks;

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

    /// <summary>Links are accepted once the node knows its own address, and no longer once it shuts down.</summary>
    public bool Started { get; private set; }

    public NodeIdentity Identity => new() { Name = Name, Incarnation = Incarnation, GossipAddress = Address };

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
        _livenessTimer = new Timer(_ => Guarded("liveness check", CheckLiveness), null, period, period);
        Started = true;
        _ = FormAsync();
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
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxReceiveMessageSize = MaxFrameBytes,
            MaxSendMessageSize = MaxFrameBytes,
            // The channel's own reconnect backoff grows to two minutes by default, failing every call at once until
            // it ends: a peer back from a long absence stayed unreachable for seconds. The link paces its retries.
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(50),
            MaxReconnectBackoff = TimeSpan.FromMilliseconds(250),
        });
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

    /// <summary>Remembers an inbound call, so the fault switch and shutdown can end it; false when none may open now.</summary>
    public bool RegisterInbound(InboundLink link)
    {
        lock (_inbound)
        {
            if (!Started || LinksCut)
            {
                return false;
            }
            _inbound.Add(link);
            return true;
        }
    }

    public void UnregisterInbound(InboundLink link)
    {
        lock (_inbound)
        {
            _inbound.Remove(link);
        }
    }

    /// <summary>Fault switch: drops every link for <paramref name="duration"/>; links come back by themselves after it.</summary>
    public void CutLinks(TimeSpan duration)
    {
        Interlocked.Exchange(ref _cutUntilTicks, Environment.TickCount64 + (long)duration.TotalMilliseconds);
        foreach (PeerLink link in AllLinks())
        {
            link.Drop("fault switch");
        }
        AbortInbound();
    }

    /// <summary>Ends every call peers have open to this node.</summary>
    private void AbortInbound()
    {
        InboundLink[] open;
        lock (_inbound)
        {
            open = [.. _inbound];
        }
        foreach (InboundLink link in open)
        {
            link.Abort();
        }
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
            CountFault("shutdown drain", ex);
        }
        await DisposeAsync();
    }

    private int _stopping;

    private async Task DrainAsync(TimeSpan drainFor)
    {
        long deadline = Environment.TickCount64 + (long)drainFor.TotalMilliseconds;
        List<(PeerLink Link, ulong Target)> pending = [.. AllLinks().Where(l => l.Connected).Select(l => (l, l.Log.LastSequence))];
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
        lock (_inbound)
        {
            Started = false;
        }
        if (_livenessTimer is not null)
        {
            await _livenessTimer.DisposeAsync();
        }
        AbortInbound();
        await Task.WhenAll(AllLinks().Select(link => link.DisposeAsync().AsTask()));
    }

    private int _disposed;
}
