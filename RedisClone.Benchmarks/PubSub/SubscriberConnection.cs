using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using HdrHistogram;
using RedisClone.Benchmarks.Net;
using RedisClone.Benchmarks.Resp;

namespace RedisClone.Benchmarks.PubSub;

/// <summary>
/// One subscriber connection: receives into a pooled buffer (from an <see cref="EpollReader"/> thread, or with async
/// receives), parses frames in place and, per message, records the latency and checks it against what this
/// subscriber must get from each publisher. Nothing is allocated per message. Counters have a single writer (the one
/// reader) and are read by the progress loop.
/// </summary>
public sealed class SubscriberConnection : IReadableSocket, IDisposable
{
    private const int InitialBufferSize = 16 * 1024;

    private readonly Socket _socket;
    private int _fd = -1;
    private readonly SubscriptionBarrier _barrier;
    private readonly LatencyRecorder _latency;
    private readonly int _channels;
    private readonly long[] _firstSequence;
    private readonly DeliveryOrder[] _order;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
    private int _start;
    private int _end;
    private bool _confirmed;
    private long _delivered;
    private long _duplicates;
    private long _outOfOrder;
    private long _unexpected;
    private long _lastDeliveryTimestamp;

    public SubscriberConnection(Socket socket, int index, ChannelMap map, int publishers, SubscriptionBarrier barrier, LatencyRecorder latency)
    {
        _socket = socket;
        _barrier = barrier;
        _latency = latency;
        _channels = map.Channels;
        Channel = map.ChannelOfSubscriber(index);
        _firstSequence = new long[publishers];
        for (int p = 0; p < publishers; p++)
        {
            _firstSequence[p] = map.FirstSequenceOn(p, Channel);
        }
        _order = new DeliveryOrder[publishers];
    }

    public int Channel { get; }

    public Socket Socket => _socket;

    /// <summary>Messages received once, in order or late.</summary>
    public long Delivered => Volatile.Read(ref _delivered);

    public long Duplicates => Volatile.Read(ref _duplicates);

    public long OutOfOrder => Volatile.Read(ref _outOfOrder);

    /// <summary>Messages this subscriber should never have seen: another channel's, or not a payload of this run.</summary>
    public long Unexpected => Volatile.Read(ref _unexpected);

    public long LastDeliveryTimestamp => Volatile.Read(ref _lastDeliveryTimestamp);

    public bool ClosedByServer { get; private set; }

    public string? Failure { get; private set; }

    /// <summary>Async receives until cancelled or the connection ends (where <see cref="EpollReader"/> is not available).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (Failure is null)
            {
                MakeRoomIfFull();
                int read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    ClosedByServer = true;
                    return;
                }
                Received(read);
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by the run: the socket may have been closed under the pending receive.
        }
        catch (Exception ex) when (ex is SocketException or InvalidDataException)
        {
            Failure = ex.Message;
        }
    }

    /// <summary>Hands the socket to <paramref name="reader"/>, which then calls <see cref="OnReadable"/>.</summary>
    public void ReadWith(EpollReader reader)
    {
        _fd = (int)_socket.Handle;
        reader.Add(_fd, this);
    }

    /// <summary>Called by the epoll thread: reads until the socket is drained, without blocking.</summary>
    public bool OnReadable()
    {
        try
        {
            while (Failure is null)
            {
                MakeRoomIfFull();
                int space = _buffer.Length - _end;
                nint read = Libc.Receive(_fd, ref _buffer[_end], (nuint)space, Libc.MsgDontWait);
                if (read > 0)
                {
                    Received((int)read);
                    if (read < space)
                    {
                        return true;
                    }
                    continue;
                }
                if (read == 0)
                {
                    ClosedByServer = true;
                    return false;
                }
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EAGAIN)
                {
                    return true;
                }
                if (errno != Libc.EINTR)
                {
                    Failure = $"recv failed: errno {errno}";
                }
            }
        }
        catch (InvalidDataException ex)
        {
            Failure = ex.Message;
        }
        return false;
    }

    /// <summary>Returns the receive buffer to the pool; call once nothing reads any more.</summary>
    public void Dispose()
    {
        byte[] buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Received(int count)
    {
        _end += count;
        _start += ProcessFrames(_buffer.AsSpan(_start, _end - _start));
        if (_start == _end)
        {
            _start = 0;
            _end = 0;
        }
    }

    /// <summary>When the buffer is full, moves the unfinished frame to the front, or grows if it fills the whole buffer.</summary>
    private void MakeRoomIfFull()
    {
        if (_end < _buffer.Length)
        {
            return;
        }
        int pending = _end - _start;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
        }
        else
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, larger, 0, pending);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        _start = 0;
        _end = pending;
    }

    /// <summary>Handles every complete frame in <paramref name="data"/>; returns the bytes they used.</summary>
    internal int ProcessFrames(ReadOnlySpan<byte> data)
    {
        // Everything in one read arrived together: one clock read per batch, not per message.
        long now = Stopwatch.GetTimestamp();
        LongHistogram? histogram = null;
        long delivered = 0;
        long duplicates = 0;
        long outOfOrder = 0;
        long unexpected = 0;
        int consumed = 0;
        while (true)
        {
            ReadOnlySpan<byte> rest = data[consumed..];
            PushFrame frame = PushFrameParser.Parse(rest);
            if (frame.Kind == PushKind.Incomplete)
            {
                break;
            }
            consumed += frame.Consumed;
            switch (frame.Kind)
            {
                case PushKind.Message:
                case PushKind.PatternMessage:
                    Arrival arrival = Classify(frame.Payload(rest), out long sentAt);
                    if (arrival is Arrival.InOrder or Arrival.OutOfOrder)
                    {
                        delivered++;
                        outOfOrder += arrival == Arrival.OutOfOrder ? 1 : 0;
                        histogram ??= _latency.ForThisThread;
                        histogram.RecordValue(LatencyRecorder.ToMicros(now - sentAt));
                    }
                    else if (arrival == Arrival.Duplicate)
                    {
                        duplicates++;
                    }
                    else
                    {
                        unexpected++;
                    }
                    break;
                case PushKind.Subscribed:
                case PushKind.PatternSubscribed:
                    if (!_confirmed)
                    {
                        _confirmed = true;
                        _barrier.Signal();
                    }
                    break;
                case PushKind.Error:
                    Failure = "server error: " + Encoding.UTF8.GetString(frame.Text(rest));
                    return consumed;
                default:
                    break;
            }
        }
        if (delivered + duplicates + unexpected > 0)
        {
            Volatile.Write(ref _delivered, _delivered + delivered);
            Volatile.Write(ref _duplicates, _duplicates + duplicates);
            Volatile.Write(ref _outOfOrder, _outOfOrder + outOfOrder);
            Volatile.Write(ref _unexpected, _unexpected + unexpected);
            Volatile.Write(ref _lastDeliveryTimestamp, now);
        }
        return consumed;
    }

    /// <summary>Where this message stands among those this subscriber must get from its publisher.</summary>
    private Arrival Classify(ReadOnlySpan<byte> payload, out long sentAt)
    {
        if (!Payload.TryRead(payload, out sentAt, out int publisher, out long sequence) || (uint)publisher >= (uint)_order.Length)
        {
            return Arrival.Unexpected;
        }
        long offset = sequence - _firstSequence[publisher];
        if (offset < 0 || offset % _channels != 0)
        {
            return Arrival.Unexpected;
        }
        return _order[publisher].Record(offset / _channels);
    }
}
