using System.Buffers;
using RedisClone.Node.Configuration;

namespace RedisClone.Node.Delivery;

/// <summary>
/// Frames that other connections (publishers, the cluster) want sent to this client. Enqueueing never waits:
/// the frame is queued (shared, not copied) and the client's own read loop is woken to copy it into its output and
/// flush. The queue is bounded by Redis's client-output-buffer-limit rule for pub/sub clients; a client that
/// overruns it is disconnected and its pending frames are dropped.
/// </summary>
internal sealed class OutboundQueue
{
    private readonly Lock _sync = new();
    private readonly Action _wake;
    private readonly DeliveryPump.Pump _pump;
    private Queue<ReadOnlyMemory<byte>>? _frames;
    private long _bytes;
    private long _softLimitSince = -1;
    private bool _closed;

    internal OutboundQueue(Action wake, DeliveryPump delivery)
    {
        _wake = wake;
        _pump = delivery.Assign();
    }

    /// <summary>Bytes queued and not yet handed to the connection's output.</summary>
    public long PendingBytes
    {
        get
        {
            lock (_sync)
            {
                return _bytes;
            }
        }
    }

    /// <summary>
    /// Queues a frame; false when the limit is overrun (the caller disconnects the client) or it is closed.
    /// Inside a <see cref="WakeBatch"/> the client is woken once when the batch ends, not per frame.
    /// </summary>
    public bool TryEnqueue(ReadOnlyMemory<byte> frame, OutputBufferLimit limit)
    {
        bool wake;
        lock (_sync)
        {
            if (_closed)
            {
                return false;
            }
            long after = _bytes + frame.Length;
            if (IsOverLimit(after, limit))
            {
                _closed = true;
                _frames?.Clear();
                _bytes = 0;
                return false;
            }
            _frames ??= new Queue<ReadOnlyMemory<byte>>();
            _frames.Enqueue(frame);
            _bytes = after;
            wake = _frames.Count == 1;
        }
        if (wake && !WakeBatch.Defer(this))
        {
            Wake();
        }
        return true;
    }

    /// <summary>
    /// Has the client's read loop woken by a <see cref="DeliveryPump"/> round, never from the waker's own call: with
    /// inline I/O a loop resumed directly would run on the waker's thread, and one publisher would send to every
    /// subscriber's socket itself before it could read its next command.
    /// </summary>
    public void Wake() => _pump.Add(this);

    /// <summary>Called by the pump: the read loop drains this queue and sends, inline.</summary>
    internal void RunWake() => _wake();

    /// <summary>Redis's checkClientOutputBufferLimits: over the hard limit at once, or over the soft one for too long.</summary>
    private bool IsOverLimit(long bytes, OutputBufferLimit limit)
    {
        if (limit.HardBytes > 0 && bytes > limit.HardBytes)
        {
            return true;
        }
        if (limit.SoftBytes > 0 && bytes > limit.SoftBytes)
        {
            long now = Environment.TickCount64;
            if (_softLimitSince < 0)
            {
                _softLimitSince = now;
            }
            return now - _softLimitSince > limit.SoftSeconds * 1000L;
        }
        _softLimitSince = -1;
        return false;
    }

    /// <summary>The periodic half of the soft-limit rule: a client that stays above it without new frames is caught here.</summary>
    public bool OverSoftLimitTooLong(OutputBufferLimit limit)
    {
        lock (_sync)
        {
            return !_closed && _softLimitSince >= 0 && _bytes > limit.SoftBytes && Environment.TickCount64 - _softLimitSince > limit.SoftSeconds * 1000L;
        }
    }

    /// <summary>Moves every queued frame into <paramref name="output"/> (called by the client's read loop only).</summary>
    public void DrainTo(IBufferWriter<byte> output) => DrainTo(output, long.MaxValue);

    /// <summary>
    /// Moves queued frames into <paramref name="output"/> until about <paramref name="maxBytes"/> have moved (at least
    /// one frame); returns whether frames are left. The rest stays here, shared and bounded by the limit, instead of
    /// being copied into the connection's output buffers all at once.
    /// </summary>
    public bool DrainTo(IBufferWriter<byte> output, long maxBytes)
    {
        lock (_sync)
        {
            if (_frames is null || _frames.Count == 0)
            {
                return false;
            }
            long moved = 0;
            while (moved < maxBytes && _frames.TryDequeue(out ReadOnlyMemory<byte> frame))
            {
                output.Write(frame.Span);
                moved += frame.Length;
            }
            _bytes -= moved;
            DeliveryPump.CountDrained(moved);
            if (_frames.Count > 0)
            {
                return true;
            }
            _softLimitSince = -1;
            if (_frames.EnsureCapacity(0) > 64)
            {
                _frames = null; // a burst should not pin a large queue to an idle subscriber
            }
            return false;
        }
    }

    public void Close()
    {
        lock (_sync)
        {
            _closed = true;
            _frames = null;
            _bytes = 0;
        }
    }
}
