using System.Net.Sockets;
using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using RedisClone.Node.Cluster.Protocol;

namespace RedisClone.Node.Cluster;

/// <summary>
/// The long-lived gRPC stream this node keeps open to one peer. It carries, in order: a Hello, then this node's
/// whole interest, interest changes, heartbeats, member lists and batches from the <see cref="MessageLog"/> (a message
/// too big for one frame goes as consecutive parts). The peer answers with a Welcome (saying how far it got, so the
/// log replays from there, and the sender names any hole the peer will never fill), acknowledgements and heartbeats.
/// A broken or stalled link reconnects with backoff; while it is down, messages keep collecting in the log, within the
/// window. This object owns its connection's cancellation: others ask it to <see cref="Drop"/>.
/// </summary>
internal sealed partial class PeerLink : IAsyncDisposable
{
    private const int MaxBatchMessages = 512;
    private const int MaxBatchBytes = 256 * 1024;

    /// <summary>A message whose channel and payload reach this size goes in parts of this size.</summary>
    public const int PartBytes = 256 * 1024;

    private const int MaxPendingControlFrames = 100_000;

    private readonly PeerLinkServices _node;
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
    private long _lastProgressTicks = Environment.TickCount64;
    private bool _refusedLogged;

    public PeerLink(string address, PeerLinkServices node, ILogger logger)
    {
        _node = node;
        _logger = logger;
        Address = address;
        _channel = node.Channels.Create(address);
        Log = new MessageLog(node.Settings.ClusterReplayWindowMessages, node.Settings.ClusterReplayWindowBytes, node.Settings.ClusterReplayWindowMs);
    }

    public string Address { get; }

    /// <summary>The peer, once its Welcome said who it is.</summary>
    public Member? Member { get; private set; }

    public MessageLog Log { get; }

    public bool Connected { get; private set; }

    /// <summary>The address led to this node itself or to a peer already linked: the link stopped for good.</summary>
    public bool Redundant { get; private set; }

    public void Start() => _run = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Queues a message for the peer (never waits) and wakes the sender.</summary>
    public void Enqueue(Message.Types.Kind kind, ByteString channel, ByteString payload, string traceParent, string traceState)
    {
        Log.Append(kind, channel, payload, traceParent, traceState);
        Wake();
    }

    /// <summary>
    /// How long the link has owed the peer messages without moving (no frame of messages written, no acknowledgement,
    /// never caught up); null when it is down or owes nothing.
    /// </summary>
    public long? StalledFor(long now) =>
        Connected && Log.Count > 0 ? now - Interlocked.Read(ref _lastProgressTicks) : null;

    private static bool NeedsParts(Message message) => (long)message.Channel.Length + message.Payload.Length >= PartBytes;

    private void Progressed() => Interlocked.Exchange(ref _lastProgressTicks, Environment.TickCount64);

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
                DropLocked("too many pending control frames");
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

    // The current connection's cancellation: created, cancelled and disposed under _sync only, so a Drop racing the
    // connection's end can never touch a disposed source.
    private CancellationTokenSource? _current;

    /// <summary>Breaks the current connection (it reconnects by itself); used on errors, stalls, death and the fault switch.</summary>
    public void Drop(string reason)
    {
        lock (_sync)
        {
            DropLocked(reason);
        }
    }

    private void DropLocked(string reason)
    {
        if (_current is { IsCancellationRequested: false } current)
        {
            LogDropped(Address, reason);
            current.Cancel();
            // Down from now on, not once the connection has finished unwinding: INFO and interest waits see it at once.
            MarkDisconnected();
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        TimeSpan backoff = TimeSpan.FromMilliseconds(50);
        while (!stop.IsCancellationRequested)
        {
            if (_node.FaultSwitch.LinksCut)
            {
                await DelayQuietly(TimeSpan.FromMilliseconds(20), stop);
                continue;
            }
            try
            {
                if (!await ConnectOnceAsync(stop))
                {
                    return; // this address turned out to be ourselves or a duplicate
                }
            }
            catch (Exception ex)
            {
                // Whatever escaped one connection's own handling: counted and logged, and the link tries again.
                _node.Faults.CountFault("link to " + Address, ex);
            }
            if (await WaitForRetry(backoff, stop))
            {
                backoff = TimeSpan.FromMilliseconds(50); // the peer just said hello: it is back
            }
            backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 2000));
            if (_wasConnected)
            {
                backoff = TimeSpan.FromMilliseconds(50);
                _wasConnected = false;
            }
        }
    }

    /// <returns>false when the link must not be retried.</returns>
    private async Task<bool> ConnectOnceAsync(CancellationToken stop)
    {
        CancellationTokenSource connection;
        lock (_sync)
        {
            connection = CancellationTokenSource.CreateLinkedTokenSource(stop);
            _current = connection;
        }
        try
        {
            return await RunConnectionAsync(connection.Token);
        }
        catch (Exception ex)
        {
            Classify(ex, stop);
            return true;
        }
        finally
        {
            MarkDisconnected();
            lock (_sync)
            {
                _current = null;
                connection.Dispose();
            }
        }
    }

    private bool _wasConnected;

    /// <summary>Why a connection ended: an ordinary network end (debug), a refusal (once, as a warning) or a fault.</summary>
    private void Classify(Exception ex, CancellationToken stop)
    {
        if (stop.IsCancellationRequested)
        {
            return;
        }
        if (ex is RpcException { StatusCode: StatusCode.PermissionDenied } refused)
        {
            if (!_refusedLogged)
            {
                _refusedLogged = true;
                LogRefused(Address, refused.Status.Detail);
            }
            return;
        }
        if (ex is RpcException or OperationCanceledException or IOException or HttpRequestException or SocketException or PeerProtocolException)
        {
            LogLinkFailed(Address, ex.Message);
            return;
        }
        _node.Faults.CountFault("link to " + Address, ex);
    }

    /// <returns>false when the link must not be retried (it leads to this node itself, or duplicates another).</returns>
    private async Task<bool> RunConnectionAsync(CancellationToken token)
    {
        var client = new Gossip.GossipClient(_channel);
        using AsyncDuplexStreamingCall<LinkFrame, LinkFrame> call = client.Link(_node.Key.CallHeaders(), cancellationToken: token);
        await call.RequestStream.WriteAsync(new LinkFrame { Hello = new Hello { From = _node.Self.Identity, ExpectedName = Member?.Name ?? "" } }, token);

        using var welcomeDeadline = CancellationTokenSource.CreateLinkedTokenSource(token);
        welcomeDeadline.CancelAfter(TimeSpan.FromSeconds(5));
        if (!await call.ResponseStream.MoveNext(welcomeDeadline.Token) || call.ResponseStream.Current.BodyCase != LinkFrame.BodyOneofCase.Welcome)
        {
            throw new PeerProtocolException("the peer did not answer with a welcome");
        }
        Welcome welcome = call.ResponseStream.Current.Welcome;
        Member? member = _node.Members.OnLinkWelcomed(this, welcome.From);
        if (member is null)
        {
            Redundant = true;
            return false;
        }
        Member = member;
        _refusedLogged = false;
        member.Seen();
        int epoch = Log.Epoch;
        (ulong First, ulong Last)? gap = Log.Resume(welcome.LastReceivedSequence);

        // Everything this node announces from here on is newer than the snapshot, which goes first.
        lock (_sync)
        {
            _control = Channel.CreateUnbounded<LinkFrame>();
            Connected = true;
            _wasConnected = true;
        }
        Progressed();
        InterestSnapshot snapshot = _node.Interest.LocalInterestSnapshot();
        await call.RequestStream.WriteAsync(new LinkFrame { InterestSnapshot = snapshot }, token);
        await call.RequestStream.WriteAsync(new LinkFrame { Members = _node.Members.AliveMembers() }, token);
        if (gap is { } missing)
        {
            await call.RequestStream.WriteAsync(new LinkFrame { MessageGap = new MessageGap { First = missing.First, Last = missing.Last } }, token);
        }
        LogConnected(Address, member.Name, welcome.LastReceivedSequence);

        Task receiving = ReceiveAsync(call.ResponseStream, member, epoch, token);
        Task sending = SendAsync(call.RequestStream, member, Math.Max(welcome.LastReceivedSequence, gap?.Last ?? 0), token);
        Task first = await Task.WhenAny(receiving, sending);
        Drop("link ended");
        await Task.WhenAll(receiving, sending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await first; // surface the failure that ended the link
        return true;
    }

    private async Task SendAsync(IClientStreamWriter<LinkFrame> requests, Member member, ulong resumeAfter, CancellationToken token)
    {
        ulong sentUpTo = resumeAfter;
        var beats = new HeartbeatClock(_node.Settings.ClusterHeartbeatMs);
        while (!token.IsCancellationRequested)
        {
            // Cleared before looking for work, so an enqueue after this point always leaves a wake-up behind.
            Volatile.Write(ref _wakePending, 0);
            await WriteControlFrames(requests, token);
            var batch = new MessageBatch();
            int count = Log.CopyAfter(sentUpTo, batch, MaxBatchMessages, MaxBatchBytes, PartBytes);
            if (count == 1 && NeedsParts(batch.Messages[0]))
            {
                await WriteInParts(requests, batch.Messages[0], beats, token);
                sentUpTo = batch.Messages[0].Sequence;
                member.CountOut(1, batch.Messages[0].Channel.Length + batch.Messages[0].Payload.Length);
                continue;
            }
            if (count > 0)
            {
                await requests.WriteAsync(new LinkFrame { Messages = batch }, token);
                Progressed();
                sentUpTo = batch.Messages[^1].Sequence;
                member.CountOut(count, batch.CalculateSize());
                continue;
            }
            Progressed(); // caught up: nothing owed that was not sent
            if (await WriteHeartbeatIfDue(requests, beats, token))
            {
                continue;
            }
            await _wake.WaitAsync(TimeSpan.FromMilliseconds(Math.Max(1, beats.MillisecondsToNext)), token);
        }
    }

    private async Task WriteControlFrames(IClientStreamWriter<LinkFrame> requests, CancellationToken token)
    {
        while (_control.Reader.TryRead(out LinkFrame? frame))
        {
            await requests.WriteAsync(frame, token);
        }
    }

    private async Task<bool> WriteHeartbeatIfDue(IClientStreamWriter<LinkFrame> requests, HeartbeatClock beats, CancellationToken token)
    {
        if (!beats.Due(out bool withMembers))
        {
            return false;
        }
        await requests.WriteAsync(new LinkFrame { Heartbeat = new Heartbeat { SentUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() } }, token);
        if (withMembers)
        {
            await requests.WriteAsync(new LinkFrame { Members = _node.Members.AliveMembers() }, token);
        }
        return true;
    }

    /// <summary>
    /// Sends one message as consecutive parts of its bytes (channel, then payload), slicing without copying; control
    /// frames and heartbeats go in between, so a long transfer neither starves the peer's liveness nor interest changes.
    /// </summary>
    private async Task WriteInParts(IClientStreamWriter<LinkFrame> requests, Message message, HeartbeatClock beats, CancellationToken token)
    {
        long channelLength = message.Channel.Length;
        long total = channelLength + message.Payload.Length;
        long offset = 0;
        while (offset < total)
        {
            ReadOnlyMemory<byte> source = offset < channelLength ? message.Channel.Memory[(int)offset..] : message.Payload.Memory[(int)(offset - channelLength)..];
            ReadOnlyMemory<byte> chunk = source[..Math.Min(source.Length, PartBytes)];
            var part = new MessagePart
            {
                Sequence = message.Sequence,
                Kind = message.Kind,
                ChannelLength = (ulong)channelLength,
                TotalLength = (ulong)total,
                Offset = (ulong)offset,
                Chunk = UnsafeByteOperations.UnsafeWrap(chunk),
            };
            if (offset == 0)
            {
                part.Traceparent = message.Traceparent;
                part.Tracestate = message.Tracestate;
            }
            await requests.WriteAsync(new LinkFrame { MessagePart = part }, token);
            Progressed();
            offset += chunk.Length;
            await WriteControlFrames(requests, token);
            await WriteHeartbeatIfDue(requests, beats, token);
        }
    }

    private async Task ReceiveAsync(IAsyncStreamReader<LinkFrame> responses, Member member, int epoch, CancellationToken token)
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
                    ulong before = Log.Acknowledged;
                    Log.Acknowledge(frame.MessageAck.Sequence, epoch);
                    if (Log.Acknowledged > before)
                    {
                        Progressed();
                    }
                    break;
                case LinkFrame.BodyOneofCase.Heartbeat:
                    break;
                default:
                    throw new PeerProtocolException($"unexpected {frame.BodyCase} from {member.Name}");
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

    private readonly SemaphoreSlim _retryNow = new(0, 1);

    /// <summary>The peer reached us (it is back): a link waiting out its backoff tries again at once.</summary>
    public void RetryNow()
    {
        if (!Connected && _retryNow.CurrentCount == 0)
        {
            try
            {
                _retryNow.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another hello got there first.
            }
        }
    }

    /// <returns>true when <see cref="RetryNow"/> cut the wait short.</returns>
    private async Task<bool> WaitForRetry(TimeSpan backoff, CancellationToken stop)
    {
        try
        {
            return await _retryNow.WaitAsync(backoff, stop);
        }
        catch (OperationCanceledException)
        {
            return false;
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

    /// <summary>Stops the link: the connection is cancelled and the loop awaited, at most a few seconds.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        MarkDisconnected();
        _channel.Dispose();
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Gossip link to {Address} ({Name}) up; peer had our messages up to {Sequence}")]
    private partial void LogConnected(string address, string name, ulong sequence);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Gossip link to {Address} failed: {Error}")]
    private partial void LogLinkFailed(string address, string error);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Gossip link to {Address} dropped: {Reason}")]
    private partial void LogDropped(string address, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Gossip link to {Address} refused by the peer: {Detail} (check --cluster-key on both nodes); retrying")]
    private partial void LogRefused(string address, string detail);
}

/// <summary>A peer broke the link protocol (no welcome, an unexpected frame): the link is reopened.</summary>
internal sealed class PeerProtocolException(string message) : Exception(message);
