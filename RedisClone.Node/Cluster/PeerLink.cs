using System.Threading.Channels;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using RedisClone.Node.Cluster.Protocol;

namespace RedisClone.Node.Cluster;

/// <summary>
/// The long-lived gRPC stream this node keeps open to one peer. It carries, in order: a Hello, then this node's
/// whole interest, interest changes, heartbeats, member lists and batches from the <see cref="MessageLog"/>. The peer
/// answers with a Welcome (saying how far it got, so the log replays from there), acknowledgements and heartbeats.
/// A broken link reconnects with backoff; while it is down, messages keep collecting in the log, within the window.
/// </summary>
public sealed partial class PeerLink : IAsyncDisposable
{
    private const int MaxBatchMessages = 512;
    private const int MaxBatchBytes = 256 * 1024;
    private const int MaxPendingControlFrames = 100_000;

    private readonly ClusterNode _cluster;
    private readonly ILogger _logger;
    private readonly GrpcChannel _channel;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly Lock _sync = new();
    private Channel<LinkFrame> _control = Channel.CreateUnbounded<LinkFrame>();
    private readonly List<(ulong Version, TaskCompletionSource Done)> _ackWaiters = [];
    private ulong _ackedVersion;
    private Task? _run;
    private int _disposed;

    public PeerLink(ClusterNode cluster, string address, ILogger logger)
    {
        _cluster = cluster;
        _logger = logger;
        Address = address;
        _channel = cluster.CreateChannel(address);
        Log = new MessageLog(cluster.Settings.ClusterReplayWindowMessages, cluster.Settings.ClusterReplayWindowBytes, cluster.Settings.ClusterReplayWindowMs);
    }

    public string Address { get; }

    /// <summary>The peer, once its Welcome said who it is.</summary>
    public Member? Member { get; private set; }

    public MessageLog Log { get; }

    public bool Connected { get; private set; }

    public void Start() => _run = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Queues a message for the peer (never waits) and wakes the sender.</summary>
    public void Enqueue(Message.Types.Kind kind, Google.Protobuf.ByteString channel, Google.Protobuf.ByteString payload, string traceParent, string traceState)
    {
        Log.Append(kind, channel, payload, traceParent, traceState);
        Wake();
    }

    // At most one pending wake-up: under load the sender is busy anyway, and a counter would only grow.
    private int _wakePending;

    private void Wake()
    {
        if (Interlocked.Exchange(ref _wakePending, 1) == 0)
        {
            _wake.Release();
        }
    }

    /// <summary>Sends an interest change; the task completes when the peer routes by it (or the link is down).</summary>
    public Task SendInterestChange(InterestChange change)
    {
        lock (_sync)
        {
            if (!Connected)
            {
                return Task.CompletedTask; // the next connection starts with a full snapshot
            }
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _ackWaiters.Add((change.Version, done));
            if (!_control.Writer.TryWrite(new LinkFrame { InterestChange = change }) || _control.Reader.Count > MaxPendingControlFrames)
            {
                Drop("too many pending control frames");
            }
            Wake();
            return done.Task;
        }
    }

    private void OnInterestAck(ulong version)
    {
        lock (_sync)
        {
            _ackedVersion = Math.Max(_ackedVersion, version);
            _ackWaiters.RemoveAll(w =>
            {
                if (w.Version > _ackedVersion)
                {
                    return false;
                }
                w.Done.TrySetResult();
                return true;
            });
        }
    }

    private CancellationTokenSource? _current;

    /// <summary>Breaks the current connection (it reconnects by itself); used on errors and by the fault switch.</summary>
    public void Drop(string reason)
    {
        CancellationTokenSource? current;
        lock (_sync)
        {
            current = _current;
        }
        if (current is not null)
        {
            LogDropped(Address, reason);
            current.Cancel();
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        TimeSpan backoff = TimeSpan.FromMilliseconds(50);
        while (!stop.IsCancellationRequested)
        {
            if (_cluster.LinksCut)
            {
                await DelayQuietly(TimeSpan.FromMilliseconds(20), stop);
                continue;
            }
            using var connection = CancellationTokenSource.CreateLinkedTokenSource(stop);
            lock (_sync)
            {
                _current = connection;
            }
            bool welcomed = false;
            try
            {
                welcomed = await RunConnectionAsync(connection.Token);
                if (!welcomed)
                {
                    return; // this address turned out to be ourselves or a duplicate
                }
            }
            catch (Exception ex) when (ex is RpcException or OperationCanceledException or IOException or InvalidOperationException or HttpRequestException)
            {
                if (!stop.IsCancellationRequested)
                {
                    LogLinkFailed(Address, ex.Message);
                }
            }
            finally
            {
                MarkDisconnected();
                lock (_sync)
                {
                    _current = null;
                }
            }
            await DelayQuietly(backoff, stop);
            backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 2000));
            if (Connected)
            {
                backoff = TimeSpan.FromMilliseconds(50);
            }
        }
    }

    /// <returns>false when the link must not be retried (it leads to this node itself, or duplicates another).</returns>
    private async Task<bool> RunConnectionAsync(CancellationToken token)
    {
        var client = new Gossip.GossipClient(_channel);
        using AsyncDuplexStreamingCall<LinkFrame, LinkFrame> call = client.Link(_cluster.CallHeaders(), cancellationToken: token);
        await call.RequestStream.WriteAsync(new LinkFrame { Hello = new Hello { From = _cluster.Identity, ExpectedName = Member?.Name ?? "" } }, token);

        using var welcomeDeadline = CancellationTokenSource.CreateLinkedTokenSource(token);
        welcomeDeadline.CancelAfter(TimeSpan.FromSeconds(5));
        if (!await call.ResponseStream.MoveNext(welcomeDeadline.Token) || call.ResponseStream.Current.BodyCase != LinkFrame.BodyOneofCase.Welcome)
        {
            throw new InvalidOperationException("the peer did not answer with a welcome");
        }
        Welcome welcome = call.ResponseStream.Current.Welcome;
        Member? member = _cluster.OnLinkWelcomed(this, welcome.From);
        if (member is null)
        {
            return false;
        }
        Member = member;
        member.Seen();

        // Everything this node announces from here on is newer than the snapshot, which goes first.
        lock (_sync)
        {
            _control = Channel.CreateUnbounded<LinkFrame>();
            Connected = true;
        }
        InterestSnapshot snapshot = _cluster.LocalInterestSnapshot();
        await call.RequestStream.WriteAsync(new LinkFrame { InterestSnapshot = snapshot }, token);
        await call.RequestStream.WriteAsync(new LinkFrame { Members = _cluster.AliveMembers() }, token);
        LogConnected(Address, member.Name, welcome.LastReceivedSequence);

        Task receiving = ReceiveAsync(call.ResponseStream, member, token);
        Task sending = SendAsync(call.RequestStream, member, welcome.LastReceivedSequence, token);
        Task first = await Task.WhenAny(receiving, sending);
        Drop("link ended");
        await Task.WhenAll(receiving, sending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await first; // surface the failure that ended the link
        return true;
    }

    private async Task SendAsync(IClientStreamWriter<LinkFrame> requests, Member member, ulong resumeAfter, CancellationToken token)
    {
        ulong sentUpTo = resumeAfter;
        int heartbeatMs = _cluster.Settings.ClusterHeartbeatMs;
        long nextHeartbeat = Environment.TickCount64 + heartbeatMs;
        int beats = 0;
        while (!token.IsCancellationRequested)
        {
            // Cleared before looking for work, so an enqueue after this point always leaves a wake-up behind.
            Volatile.Write(ref _wakePending, 0);
            while (_control.Reader.TryRead(out LinkFrame? frame))
            {
                await requests.WriteAsync(frame, token);
            }
            var batch = new MessageBatch();
            int count = Log.CopyAfter(sentUpTo, batch, MaxBatchMessages, MaxBatchBytes);
            if (count > 0)
            {
                await requests.WriteAsync(new LinkFrame { Messages = batch }, token);
                sentUpTo = batch.Messages[^1].Sequence;
                member.CountOut(count, batch.CalculateSize());
                continue;
            }
            long now = Environment.TickCount64;
            if (now >= nextHeartbeat)
            {
                await requests.WriteAsync(new LinkFrame { Heartbeat = new Heartbeat { SentUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() } }, token);
                if (++beats % 4 == 0)
                {
                    await requests.WriteAsync(new LinkFrame { Members = _cluster.AliveMembers() }, token);
                }
                nextHeartbeat = now + heartbeatMs;
                continue;
            }
            await _wake.WaitAsync(TimeSpan.FromMilliseconds(nextHeartbeat - now), token);
        }
    }

    private async Task ReceiveAsync(IAsyncStreamReader<LinkFrame> responses, Member member, CancellationToken token)
    {
        while (await responses.MoveNext(token))
        {
            member.Seen();
            LinkFrame frame = responses.Current;
            switch (frame.BodyCase)
            {
                case LinkFrame.BodyOneofCase.InterestAck:
                    OnInterestAck(frame.InterestAck.Version);
                    break;
                case LinkFrame.BodyOneofCase.MessageAck:
                    Log.Acknowledge(frame.MessageAck.Sequence);
                    break;
                case LinkFrame.BodyOneofCase.Heartbeat:
                    break;
                default:
                    throw new InvalidOperationException($"unexpected {frame.BodyCase} from {member.Name}");
            }
        }
    }

    private void MarkDisconnected()
    {
        lock (_sync)
        {
            Connected = false;
            // The guarantee covers connected peers only; nobody waits on a peer that is gone.
            foreach ((_, TaskCompletionSource done) in _ackWaiters)
            {
                done.TrySetResult();
            }
            _ackWaiters.Clear();
        }
    }

    private static async Task DelayQuietly(TimeSpan delay, CancellationToken token)
    {
        try
        {
            await Task.Delay(delay, token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        MarkDisconnected();
        _channel.Dispose();
        _stop.Dispose();
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Gossip link to {Address} ({Name}) up; peer had our messages up to {Sequence}")]
    private partial void LogConnected(string address, string name, ulong sequence);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Gossip link to {Address} failed: {Error}")]
    private partial void LogLinkFailed(string address, string error);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Gossip link to {Address} dropped: {Reason}")]
    private partial void LogDropped(string address, string reason);
}
