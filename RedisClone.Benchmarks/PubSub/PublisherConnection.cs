using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using RedisClone.Benchmarks.Resp;

namespace RedisClone.Benchmarks.PubSub;

/// <summary>
/// One publisher connection: a writer that keeps up to --pipeline PUBLISH commands in flight (encoded in batches into
/// one pooled buffer, one send per batch) and a reader that counts the replies. Its k-th message goes to channel
/// (id + k) % C, and as it encodes it adds up how many deliveries that message should cause.
/// </summary>
public sealed class PublisherConnection : IDisposable
{
    /// <summary>A batch is also capped in bytes, so large payloads do not make a huge send buffer.</summary>
    private const int MaxBatchBytes = 256 * 1024;

    private readonly Socket _socket;
    private readonly int _id;
    private readonly ChannelMap _map;
    private readonly long _quota;
    private readonly int _pipeline;
    private readonly byte[][] _prefixes;
    private readonly byte[] _padding;
    private readonly int _commandSize;
    private readonly int _batchLimit;
    private readonly SemaphoreSlim _repliesArrived = new(0);
    private int _writerWaiting;
    private volatile bool _readerStopped;
    private long _sent;
    private long _acked;
    private long _errors;
    private long _expected;
    private long _lastReplyTimestamp;

    public PublisherConnection(Socket socket, int id, ChannelMap map, long quota, int pipeline, int size)
    {
        _socket = socket;
        _id = id;
        _map = map;
        _quota = quota;
        _pipeline = pipeline;
        _prefixes = new byte[map.Channels][];
        for (int c = 0; c < map.Channels; c++)
        {
            _prefixes[c] = RespCommand.PublishPrefix(map.ChannelName(c), size);
        }
        _padding = new byte[size - Payload.HeaderSize];
        _padding.AsSpan().Fill(Payload.Padding);
        _commandSize = _prefixes.Max(p => p.Length) + size + 2;
        _batchLimit = Math.Clamp(MaxBatchBytes / _commandSize, 1, pipeline);
    }

    public long Quota => _quota;

    public long Sent => Volatile.Read(ref _sent);

    public long Acked => Volatile.Read(ref _acked);

    /// <summary>PUBLISH commands the server answered with an error.</summary>
    public long Errors => Volatile.Read(ref _errors);

    /// <summary>Deliveries the messages sent so far should cause.</summary>
    public long Expected => Volatile.Read(ref _expected);

    public long LastReplyTimestamp => Volatile.Read(ref _lastReplyTimestamp);

    public string? Failure { get; private set; }

    /// <summary>
    /// Publishes the quota (or until <paramref name="stopPublishing"/>), then waits for every reply: once PUBLISH is
    /// answered the server has routed the message, so whatever has not arrived by then is in flight or lost.
    /// </summary>
    public async Task RunAsync(PublishSchedule? schedule, CancellationToken stopPublishing, CancellationToken abort)
    {
        using var stopReader = CancellationTokenSource.CreateLinkedTokenSource(abort);
        Task reader = ReadRepliesAsync(stopReader.Token);
        try
        {
            long sent = await WriteAsync(schedule, stopPublishing, abort);
            for (long acked = Acked; acked < sent && !_readerStopped; acked = Acked)
            {
                await WaitForRepliesAsync(acked, abort);
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Aborted: report what was counted so far.
        }
        catch (SocketException ex)
        {
            Failure ??= ex.Message;
        }
        finally
        {
            await stopReader.CancelAsync();
            await reader;
        }
    }

    private async Task<long> WriteAsync(PublishSchedule? schedule, CancellationToken stopPublishing, CancellationToken abort)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(_batchLimit * _commandSize);
        long sent = 0;
        long expected = 0;
        try
        {
            while (sent < _quota && !stopPublishing.IsCancellationRequested && !_readerStopped)
            {
                long acked = Acked;
                long batch = Math.Min(Math.Min(_pipeline - (sent - acked), _quota - sent), _batchLimit);
                if (batch <= 0)
                {
                    await WaitForRepliesAsync(acked, abort);
                    continue;
                }
                if (schedule is not null)
                {
                    long due = schedule.DueBy(Stopwatch.GetTimestamp()) - sent;
                    if (due <= 0)
                    {
                        await WaitUntilDueAsync(schedule, sent, stopPublishing);
                        continue;
                    }
                    batch = Math.Min(batch, due);
                }
                int length = Encode(buffer, sent, (int)batch, ref expected);
                await SendAllAsync(buffer.AsMemory(0, length), abort);
                sent += batch;
                Volatile.Write(ref _expected, expected);
                Volatile.Write(ref _sent, sent);
            }
        }
        catch (OperationCanceledException) when (stopPublishing.IsCancellationRequested && !abort.IsCancellationRequested)
        {
            // Stopped between batches while waiting for the schedule: nothing half-sent.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return sent;
    }

    /// <summary>Encodes messages [first, first + count) into <paramref name="buffer"/>; returns the bytes written.</summary>
    private int Encode(byte[] buffer, long first, int count, ref long expected)
    {
        // The batch leaves in one send, so one clock read stamps all of it.
        long now = Stopwatch.GetTimestamp();
        Span<byte> output = buffer;
        int position = 0;
        for (int i = 0; i < count; i++)
        {
            long sequence = first + i;
            int channel = _map.ChannelOfMessage(_id, sequence);
            expected += _map.SubscribersOn(channel);
            byte[] prefix = _prefixes[channel];
            prefix.CopyTo(output[position..]);
            position += prefix.Length;
            Payload.WriteHeader(output[position..], now, _id, sequence);
            position += Payload.HeaderSize;
            _padding.CopyTo(output[position..]);
            position += _padding.Length;
            output[position++] = (byte)'\r';
            output[position++] = (byte)'\n';
        }
        return position;
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            int sent = await _socket.SendAsync(data, SocketFlags.None, cancellationToken);
            data = data[sent..];
        }
    }

    private static Task WaitUntilDueAsync(PublishSchedule schedule, long sequence, CancellationToken cancellationToken)
    {
        TimeSpan until = schedule.Until(sequence, Stopwatch.GetTimestamp());
        // Timers tick in whole milliseconds; a shorter delay would round down to zero and spin.
        return Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling(until.TotalMilliseconds))), cancellationToken);
    }

    /// <summary>Waits until the reader has counted replies past <paramref name="seenAcked"/> (or stopped).</summary>
    private async ValueTask WaitForRepliesAsync(long seenAcked, CancellationToken cancellationToken)
    {
        // A full fence: the flag must be visible before Acked is read again, or a wake-up could be missed.
        Interlocked.Exchange(ref _writerWaiting, 1);
        if (Acked != seenAcked || _readerStopped)
        {
            // Progress already happened. If the reader saw the flag meanwhile, it released once: take that release.
            if (Interlocked.Exchange(ref _writerWaiting, 0) == 0)
            {
                await _repliesArrived.WaitAsync(cancellationToken);
            }
            return;
        }
        await _repliesArrived.WaitAsync(cancellationToken);
    }

    private void WakeWriter()
    {
        if (Interlocked.Exchange(ref _writerWaiting, 0) == 1)
        {
            _repliesArrived.Release();
        }
    }

    private async Task ReadRepliesAsync(CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        int start = 0;
        int end = 0;
        try
        {
            while (true)
            {
                if (end == buffer.Length)
                {
                    if (start == 0)
                    {
                        throw new InvalidDataException("a reply to PUBLISH is longer than 16 KB");
                    }
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }
                int read = await _socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    Failure ??= "the server closed the publisher connection";
                    return;
                }
                end += read;
                start += ReplyScanner.Scan(buffer.AsSpan(start, end - start), out int replies, out int errors);
                if (start == end)
                {
                    start = 0;
                    end = 0;
                }
                if (replies > 0)
                {
                    Volatile.Write(ref _errors, _errors + errors);
                    Volatile.Write(ref _lastReplyTimestamp, Stopwatch.GetTimestamp());
                    Volatile.Write(ref _acked, _acked + replies);
                    WakeWriter();
                }
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by RunAsync once every reply was in, or aborted.
        }
        catch (Exception ex) when (ex is SocketException or InvalidDataException)
        {
            Failure ??= ex.Message;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _readerStopped = true;
            WakeWriter();
        }
    }

    public void Dispose() => _repliesArrived.Dispose();
}
