using System.Buffers;
using System.IO.Pipelines;
using RedisClone.Node.Clients;
using RedisClone.Node.Commands;
using RedisClone.Node.Commands.Blocking;
using RedisClone.Node.Delivery;
using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;
using RedisClone.Node.Util;

namespace RedisClone.Node.Connections;

/// <summary>
/// One client's read loop: every complete command in the receive buffer runs, in order, under one hold of the
/// keyspace lock; their replies go into the output buffer and are flushed once, after the lock is released.
/// </summary>
internal sealed partial class RespConnection
{
    // A batch runs under one hold of the keyspace lock and is flushed once; these caps keep a huge pipeline
    // (redis-cli --pipe) from holding the lock or buffering replies without end.
    private const int MaxCommandsPerBatch = 1024;
    private const long MaxReplyBytesPerBatch = 1024 * 1024;

    // Below the transport's receive buffer (Kestrel's 1 MB): an unfinished command this big leaves it.
    private const long LargeCommandThreshold = 256 * 1024;

    // Kestrel's output pipe pauses a flush above 64 KB, so a bigger move would only sit in its buffers.
    private const long MaxDrainBytes = 64 * 1024;

    private LargeCommandBuffer? _large;
    private BigArgument? _big;

    private readonly NodeServer _server;
    private readonly ClientSession _session;
    private readonly IDuplexPipe _transport;
    private readonly ILogger _logger;
    private readonly RequestParser _parser;
    private readonly CommandArguments _args = new();
    private readonly RespWriter _writer;
    private readonly CommandContext _context;

    public RespConnection(NodeServer server, ClientSession session, IDuplexPipe transport, ILogger logger, Func<bool>? inputPending = null)
    {
        _server = server;
        _session = session;
        _transport = transport;
        _logger = logger;
        _parser = new RequestParser(server.Limits) { InputPending = inputPending };
        _writer = session.Reply;
        _context = new CommandContext(server, session, _writer, _args);
    }

    public async Task RunAsync()
    {
        PipeReader input = _transport.Input;
        PipeWriter output = _transport.Output;
        _writer.Attach(output);
        while (true)
        {
            ReadResult result = await input.ReadAsync().ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            bool moreReady = false;
            if (_big is not null && !ReceiveBigArgument(ref buffer))
            {
                input.AdvanceTo(buffer.End);
            }
            else if (_large is null)
            {
                long consumed;
                (consumed, moreReady) = ProcessBatch(buffer, output);
                _session.QueryBufferLength = buffer.Length - consumed;
                _server.Stats.AddInput(consumed);
                SequencePosition consumedTo = buffer.GetPosition(consumed);
                if (!moreReady && StartBigArgument(buffer.Slice(consumedTo)))
                {
                    input.AdvanceTo(buffer.End);
                }
                else if (!moreReady && buffer.Length - consumed >= LargeCommandThreshold)
                {
                    // An unfinished command this big moves out of the transport's buffer, which then keeps reading.
                    _large = new LargeCommandBuffer();
                    _large.Append(buffer.Slice(consumedTo));
                    _parser.Restart();
                    input.AdvanceTo(buffer.End);
                }
                else
                {
                    // Marking everything examined makes the next read wait for new bytes, so not when whole commands remain.
                    input.AdvanceTo(consumedTo, moreReady ? consumedTo : buffer.End);
                }
            }
            else
            {
                _large.Append(buffer);
                input.AdvanceTo(buffer.End);
                moreReady = await ProcessLargeAsync(output).ConfigureAwait(false);
            }
            if (_session.CloseAsap)
            {
                // Redis frees such a client without writing what it has pending; aborting drops the unflushed replies.
                _session.Kill();
                break;
            }
            if (_session.TakeBarrier() is { } barrier)
            {
                await barrier.ConfigureAwait(false);
            }
            // Messages published while the batch ran go out with its replies (a cancelled read means only these), a
            // transport buffer's worth at a time: a deep queue is not copied into the output all at once.
            bool moreQueued;
            do
            {
                moreQueued = _session.Outbound?.DrainTo(output, MaxDrainBytes) ?? false;
                if (!await FlushAsync(output).ConfigureAwait(false))
                {
                    return;
                }
            }
            while (moreQueued);
            while (_session.Blocked is not null)
            {
                if (!await WaitWhileBlockedAsync(input, output).ConfigureAwait(false))
                {
                    return;
                }
                if (_large is not null)
                {
                    await ProcessLargeAsync(output).ConfigureAwait(false);
                    await FlushAsync(output).ConfigureAwait(false);
                }
            }
            if (_session.CloseAfterReply || (result.IsCompleted && !result.IsCanceled))
            {
                break;
            }
        }
    }

    /// <summary>
    /// Waits, costing no thread, until the blocked command is served, times out or is unblocked, then sends its reply.
    /// The input is still read meanwhile, only to notice the client going away (Redis then forgets the wait); bytes it
    /// sends are left unconsumed for after. False when the client went away.
    /// </summary>
    private async ValueTask<bool> WaitWhileBlockedAsync(PipeReader input, PipeWriter output)
    {
        BlockedRequest request = (BlockedRequest)_session.Blocked!;
        while (!request.IsDone)
        {
            ReadResult result = await input.ReadAsync().ConfigureAwait(false);
            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            if (request.IsDone)
            {
                break;
            }
            if (result.IsCompleted && !result.IsCanceled)
            {
                lock (_server.Keyspace.Sync)
                {
                    _server.Blocking.Cancel(_session);
                }
                return false;
            }
        }
        _session.Blocked = null;
        // Everything buffered was marked examined, so the next read would wait for new bytes: a cancelled read
        // returns at once with the commands pipelined behind the blocking one.
        input.CancelPendingRead();
        _writer.WriteRaw(request.ReplyBytes);
        return await FlushAsync(output).ConfigureAwait(false);
    }

    /// <returns>false when the transport is done (the client went away).</returns>
    private async ValueTask<bool> FlushAsync(PipeWriter output)
    {
        long written = output.UnflushedBytes;
        if (written == 0)
        {
            return true;
        }
        _server.Stats.AddOutput(written);
        FlushResult flush = await output.FlushAsync().ConfigureAwait(false);
        return !flush.IsCompleted;
    }

    /// <summary>
    /// Runs the complete commands collected in <see cref="_large"/>, flushing between batches; leaves an unfinished
    /// command there (and goes back to reading straight from the transport once it is empty).
    /// </summary>
    private async Task<bool> ProcessLargeAsync(PipeWriter output)
    {
        while (true)
        {
            (long used, bool moreReady) = ProcessBatch(_large!.Sequence, output);
            _server.Stats.AddInput(used);
            if (!moreReady && StartBigArgument(_large.Sequence.Slice(used)))
            {
                _large = null;
                return false;
            }
            if (used > 0)
            {
                _large.Consume(used);
                _parser.Restart(); // the unfinished command's bytes moved to the front
            }
            _session.QueryBufferLength = _large.Length;
            if (_large.Length == 0)
            {
                _large = null;
                return false;
            }
            if (!moreReady || _session.CloseAfterReply || _session.Blocked is not null)
            {
                return false;
            }
            await FlushAsync(output).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// When the parser stopped inside a big bulk's payload (<see cref="BigArgument.Threshold"/> or more), the rest of the
    /// command's bytes go into a <see cref="BigArgument"/> from here on; <paramref name="unfinished"/> (the unfinished
    /// command, all of it already taken) may then be released.
    /// </summary>
    private bool StartBigArgument(ReadOnlySequence<byte> unfinished)
    {
        if (_session.CloseAfterReply || !BigArgument.Fits(_parser.PendingBulkLength))
        {
            return false;
        }
        _args.DetachFromInput();
        _big = new BigArgument(_parser.PendingBulkLength);
        _big.Append(unfinished.Slice(_parser.PendingPayloadOffset));
        _server.Stats.AddInput(unfinished.Length);
        _session.QueryBufferLength = _big.Received;
        return true;
    }

    /// <summary>
    /// Feeds a read to the big argument being received. True once it is whole: it is then the command's next argument
    /// and <paramref name="buffer"/> is what follows it. False while more is to come (all of the read was taken).
    /// </summary>
    private bool ReceiveBigArgument(ref ReadOnlySequence<byte> buffer)
    {
        long taken = _big!.Append(buffer);
        _server.Stats.AddInput(taken);
        _session.QueryBufferLength = _big.Received;
        if (!_big.Complete)
        {
            if (_big.Received > _server.Limits.ClientQueryBufferLimit)
            {
                if (_logger.IsEnabled(LogLevel.Debug))
                {
                    string address = LogText.Escape(_session.RemoteAddress);
                    LogQueryBufferLimit(_session.Id, address, _big.Received);
                }
                _session.CloseAfterReply = true;
            }
            return false;
        }
        _parser.CompleteBulk(_args, _big.TakePayload());
        _big = null;
        buffer = buffer.Slice(taken);
        return true;
    }

    /// <summary>
    /// Parses and runs the complete commands at the start of <paramref name="buffer"/>, up to a batch's worth;
    /// returns the bytes used and whether it stopped early with complete commands left over.
    /// </summary>
    private (long Consumed, bool MoreReady) ProcessBatch(ReadOnlySequence<byte> buffer, PipeWriter output)
    {
        ReadOnlySequence<byte> remaining = buffer;
        _session.QueryBufferLength = buffer.Length;
        int executed = 0;
        using WakeBatch.Scope wakes = WakeBatch.Begin();
        bool moreReady = false;
        Keyspace keyspace = _server.Keyspace;
        bool locked = false;
        try
        {
            while (!_session.CloseAfterReply)
            {
                if (executed >= MaxCommandsPerBatch || output.UnflushedBytes >= MaxReplyBytesPerBatch)
                {
                    // Flush what this batch produced and let other clients have the lock before going on.
                    moreReady = true;
                    break;
                }
                _parser.Unauthenticated = !_session.Authenticated;
                ParseResult parsed = _parser.TryParse(remaining, _args, out long used);
                if (parsed == ParseResult.NeedMore)
                {
                    break;
                }
                if (parsed == ParseResult.ProtocolError)
                {
                    if (_parser.Error != RequestParser.QueryBufferLimitReached)
                    {
                        // The text may quote the offending byte (expected '$', got '\xe9'): Latin-1 gives it back as that byte.
                        _writer.WriteError(System.Text.Encoding.Latin1.GetBytes("ERR " + _parser.Error));
                    }
                    _session.CloseAfterReply = true;
                    ReportProtocolError(remaining);
                    break;
                }
                remaining = remaining.Slice(used);
                if (_args.Count == 0)
                {
                    continue;
                }
                if (CrossProtocolGuard.IsAttack(_args[0]))
                {
                    // Before lookup, authentication and MULTI, as in Redis's processCommand: nothing after it runs.
                    if (_server.CrossProtocol.Record(Environment.TickCount64))
                    {
                        LogSecurityAttack(_session.Id, LogText.Escape(_session.RemoteAddress));
                    }
                    _session.MarkCloseAsap();
                    break;
                }
                if (!locked)
                {
                    keyspace.Sync.Enter();
                    locked = true;
                    keyspace.UpdateClock();
                    _context.ClockMark = System.Diagnostics.Stopwatch.GetTimestamp();
                    // Messages queued before this batch must reach the client before the batch's replies.
                    _session.Outbound?.DrainTo(output);
                }
                ExecuteOne();
                executed++;
                if (_server.Blocking.HasReady)
                {
                    // Redis serves blocked clients after each command (after EXEC as a whole), before the next one.
                    _server.Blocking.ServeReady();
                }
                if (_session.Blocked is not null)
                {
                    // A blocked client's later commands wait, unparsed, until it is served.
                    break;
                }
            }
        }
        finally
        {
            if (locked)
            {
                keyspace.Sync.Exit();
            }
        }
        if (executed > 0)
        {
            _session.LastInteraction = Environment.TickCount64;
            _server.Stats.AddCommands(executed);
            _server.Stats.AddErrors(_writer.TakeErrorCount());
        }
        return (buffer.Length - remaining.Length, moreReady);
    }

    private void ExecuteOne()
    {
        try
        {
            CommandDispatcher.Execute(_context);
            if (_session.ReplyControlled)
            {
                _session.CommandProcessed();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A handler bug must cost this one command, never the node or the other clients.
            LogCommandFailed(ex, LogText.Escape(_context.ArgString(0)));
            _writer.WriteError(RespLiterals.InternalError);
        }
    }

    private void ReportProtocolError(ReadOnlySequence<byte> remaining)
    {
        if (!_logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }
        string error = LogText.Escape(_parser.Error);
        string sample = QuerySample(remaining);
        LogProtocolError(_session.Id, _session.RemoteAddress, error, sample);
    }

    /// <summary>
    /// What Redis logs (at verbose) beside a protocol error: the start and the end of the unparsed input, 64 bytes of
    /// each, escaped for the log.
    /// </summary>
    private static string QuerySample(ReadOnlySequence<byte> remaining)
    {
        const int Half = 64;
        if (remaining.Length <= 2 * Half)
        {
            return "'" + LogText.Escape(remaining.ToArray()) + "'";
        }
        byte[] head = remaining.Slice(0, Half).ToArray();
        byte[] tail = remaining.Slice(remaining.Length - Half).ToArray();
        return $"'{LogText.Escape(head)}' (... more {remaining.Length - 2 * Half} bytes ...) '{LogText.Escape(tail)}'";
    }

    // Debug, as Redis logs protocol errors only at verbose: a client sending garbage cannot fill the log.
    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Client id={ClientId} addr={Address} closed after protocol error ({Error}); query buffer: {Sample}")]
    private partial void LogProtocolError(long clientId, string address, string error, string sample);

    // Redis's own text, then who; at most once a minute (cross_protocol_attacks counts every one).
    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = RespLiterals.SecurityAttackWarning + " (client id={ClientId} addr={Address})")]
    private partial void LogSecurityAttack(long clientId, string address);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Debug, Message = "Client id={ClientId} addr={Address} closed: a big argument reached the query buffer limit ({Bytes} bytes)")]
    private partial void LogQueryBufferLimit(long clientId, string address, long bytes);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Command {Command} failed unexpectedly")]
    private partial void LogCommandFailed(Exception exception, string command);
}
