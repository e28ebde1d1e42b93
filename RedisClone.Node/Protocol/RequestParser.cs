using System.Buffers;

namespace RedisClone.Node.Protocol;

internal enum ParseResult
{
    /// <summary>A whole command is in <see cref="CommandArguments"/> (it may have no arguments: skip it).</summary>
    Command,
    /// <summary>The buffer ends inside a command; read more and call again.</summary>
    NeedMore,
    /// <summary>The input breaks the protocol; reply with <see cref="RequestParser.Error"/> and close.</summary>
    ProtocolError,
}

/// <summary>
/// Turns request bytes into commands: RESP multibulk and inline commands, with Redis's limits and error texts.
/// Pure (no I/O, no server state) and incremental: an unfinished multibulk command is resumed where it stopped,
/// so a command with many arguments arriving in small reads is parsed once, not once per read.
/// </summary>
internal sealed class RequestParser
{
    private readonly RequestLimits _limits;

    // Resume point of an unfinished multibulk command, counted from the start of the command.
    private long _resumeOffset;
    private int _argsExpected;
    private int _argsDone;

    public RequestParser(RequestLimits limits) => _limits = limits;

    /// <summary>
    /// The error text (without the leading '-' and trailing CRLF) after <see cref="ParseResult.ProtocolError"/>.
    /// A byte it quotes is one char (Latin-1), so that it can be sent back as the very byte the client sent, as Redis does.
    /// </summary>
    public string Error { get; private set; } = "";

    /// <summary>Applies Redis's tighter caps while the client has not authenticated.</summary>
    public bool Unauthenticated { get; set; }

    /// <summary>
    /// Parses one command from <paramref name="buffer"/>. On <see cref="ParseResult.Command"/>, <paramref name="consumed"/>
    /// is the number of bytes it took. On <see cref="ParseResult.NeedMore"/> nothing may be consumed by the caller.
    /// </summary>
    public ParseResult TryParse(ReadOnlySequence<byte> buffer, CommandArguments args, out long consumed)
    {
        consumed = 0;
        PendingBulkLength = -1;
        if (_argsExpected > 0)
        {
            // Even on an empty buffer: a command whose last argument came in through CompleteBulk is whole.
            return ParseBulks(buffer, args, out consumed);
        }
        if (buffer.IsEmpty)
        {
            return ParseResult.NeedMore;
        }
        args.Clear();
        byte first = buffer.FirstSpan[0];
        return first == (byte)'*' ? ParseMultibulkHeader(buffer, args, out consumed) : ParseInline(buffer, args, out consumed);
    }

    private ParseResult ParseMultibulkHeader(ReadOnlySequence<byte> buffer, CommandArguments args, out long consumed)
    {
        if (buffer.IsSingleSegment)
        {
            return ParseMultibulkHeader(buffer.First, args, out consumed);
        }
        consumed = 0;
        long cr = FindLineEnd(buffer, (byte)'\r', RequestLimits.LineScanLimit);
        if (cr < 0)
        {
            return Unterminated(buffer.Length, RequestLimits.LineScanLimit, "Protocol error: too big mbulk count string");
        }
        if (cr + 1 >= buffer.Length)
        {
            return ParseResult.NeedMore; // the '\n' after the '\r' has not arrived
        }
        byte[] line = buffer.Slice(0, cr).ToArray();
        var reader = new SequenceReader<byte>(buffer);
        reader.Advance(cr + 2);
        if (!TryMultibulkCount(line.AsSpan(1), out long count, out ParseResult failure))
        {
            return failure;
        }
        if (count <= 0)
        {
            consumed = reader.Consumed; // "*0" and "*-1" are empty commands
            return ParseResult.Command;
        }
        _argsExpected = (int)count;
        _argsDone = 0;
        _resumeOffset = reader.Consumed;
        return ParseBulks(buffer, args, out consumed);
    }

    private ParseResult ParseBulks(ReadOnlySequence<byte> buffer, CommandArguments args, out long consumed)
    {
        if (buffer.IsSingleSegment)
        {
            return ParseBulks(buffer.First, args, out consumed);
        }
        consumed = 0;
        args.Truncate(_argsDone);
        var reader = new SequenceReader<byte>(buffer);
        reader.Advance(_resumeOffset);
        while (_argsDone < _argsExpected)
        {
            if (reader.End)
            {
                return NeedMoreWithin(buffer);
            }
            // Like Redis, the '$' is checked once the whole length line is here: a long line without one is "too big".
            ReadOnlySequence<byte> rest = reader.UnreadSequence;
            long cr = FindLineEnd(rest, (byte)'\r', RequestLimits.BulkLineScanLimit);
            if (cr < 0)
            {
                ParseResult unterminated = Unterminated(rest.Length, RequestLimits.BulkLineScanLimit, "Protocol error: too big bulk count string");
                return unterminated == ParseResult.NeedMore ? NeedMoreWithin(buffer) : unterminated;
            }
            if (cr + 1 >= rest.Length)
            {
                return NeedMoreWithin(buffer);
            }
            byte[] line = rest.Slice(0, cr).ToArray();
            reader.Advance(cr + 2);
            if (!TryBulkLength(line, out long length, out ParseResult failure))
            {
                return failure;
            }
            if (reader.Remaining < length + 2)
            {
                PendingBulkLength = length;
                PendingPayloadOffset = reader.Consumed;
                return NeedMoreWithin(buffer);
            }
            ReadOnlySequence<byte> value = reader.UnreadSequence.Slice(0, length);
            if (value.IsSingleSegment)
            {
                args.Add(value.First);
            }
            else
            {
                Memory<byte> joined = args.Rent((int)length);
                value.CopyTo(joined.Span);
                args.Add(joined);
            }
            reader.Advance(length + 2); // like Redis, the two bytes after the payload are taken as CRLF unchecked
            _argsDone++;
            _resumeOffset = reader.Consumed;
        }
        _argsExpected = 0;
        _argsDone = 0;
        _resumeOffset = 0;
        consumed = reader.Consumed;
        return ParseResult.Command;
    }

    // The same two steps over one contiguous block, which is what a read almost always gives: indexes into a span
    // instead of a SequenceReader, the same checks in the same order (RequestParserTests split every frame both ways).
    private ParseResult ParseMultibulkHeader(ReadOnlyMemory<byte> buffer, CommandArguments args, out long consumed)
    {
        consumed = 0;
        ReadOnlySpan<byte> span = buffer.Span;
        ParseResult failure;
        if (TryPlainLengthLine(span, 0, (byte)'*', out long count, out int cr))
        {
            if (!CheckMultibulkCount(count, out failure))
            {
                return failure;
            }
        }
        else
        {
            cr = FindLineEnd(span, (byte)'\r', RequestLimits.LineScanLimit);
            if (cr < 0)
            {
                return Unterminated(span.Length, RequestLimits.LineScanLimit, "Protocol error: too big mbulk count string");
            }
            if (cr + 1 >= span.Length)
            {
                return ParseResult.NeedMore; // the '\n' after the '\r' has not arrived
            }
            if (!TryMultibulkCount(span[1..cr], out count, out failure))
            {
                return failure;
            }
        }
        if (count <= 0)
        {
            consumed = cr + 2; // "*0" and "*-1" are empty commands
            return ParseResult.Command;
        }
        _argsExpected = (int)count;
        _argsDone = 0;
        _resumeOffset = cr + 2;
        return ParseBulks(buffer, args, out consumed);
    }

    private ParseResult ParseBulks(ReadOnlyMemory<byte> buffer, CommandArguments args, out long consumed)
    {
        consumed = 0;
        args.Truncate(_argsDone);
        ReadOnlySpan<byte> span = buffer.Span;
        int position = (int)_resumeOffset;
        while (_argsDone < _argsExpected)
        {
            if (position >= span.Length)
            {
                return NeedMoreWithin(span.Length);
            }
            long length;
            ParseResult failure;
            if (TryPlainLengthLine(span, position, (byte)'$', out long plain, out int plainEnd))
            {
                if (!CheckBulkLength(plain, out failure))
                {
                    return failure;
                }
                length = plain;
                position = plainEnd + 2;
            }
            else if (!TryBulkLine(span, ref position, out length, out failure))
            {
                return failure;
            }
            if (position < 0)
            {
                return NeedMoreWithin(span.Length);
            }
            if (span.Length - position < length + 2)
            {
                PendingBulkLength = length;
                PendingPayloadOffset = position;
                return NeedMoreWithin(span.Length);
            }
            args.Add(buffer.Slice(position, (int)length));
            position += (int)length + 2; // like Redis, the two bytes after the payload are taken as CRLF unchecked
            _argsDone++;
            _resumeOffset = position;
        }
        _argsExpected = 0;
        _argsDone = 0;
        _resumeOffset = 0;
        consumed = position;
        return ParseResult.Command;
    }

    /// <summary>
    /// The general "$length" line at <paramref name="position"/>: on success <paramref name="position"/> is past its
    /// CRLF, or -1 when the line has not all arrived; false with the failure to return.
    /// </summary>
    private bool TryBulkLine(ReadOnlySpan<byte> span, ref int position, out long length, out ParseResult failure)
    {
        length = 0;
        failure = ParseResult.NeedMore;
        int cr = FindLineEnd(span[position..], (byte)'\r', RequestLimits.BulkLineScanLimit);
        if (cr < 0)
        {
            ParseResult unterminated = Unterminated(span.Length - position, RequestLimits.BulkLineScanLimit, "Protocol error: too big bulk count string");
            if (unterminated != ParseResult.NeedMore)
            {
                failure = unterminated;
                return false;
            }
            position = -1;
            return true;
        }
        ReadOnlySpan<byte> line = span.Slice(position, cr);
        position += cr + 1;
        if (position >= span.Length)
        {
            position = -1;
            return true;
        }
        position++;
        return TryBulkLength(line, out length, out failure);
    }

    /// <summary>
    /// The line clients send almost always, <paramref name="marker"/> then digits without sign or leading zero then
    /// CR and one more byte, read in one pass (a general line search costs more than these few bytes); false for
    /// anything else, which the general path then judges, so both give the same answers.
    /// </summary>
    private static bool TryPlainLengthLine(ReadOnlySpan<byte> span, int position, byte marker, out long value, out int cr)
    {
        value = 0;
        cr = position + 1;
        if ((uint)cr >= (uint)span.Length || span[position] != marker)
        {
            return false;
        }
        uint digit = (uint)(span[cr] - '0');
        if (digit > 9)
        {
            return false;
        }
        value = digit;
        cr++;
        if (digit != 0)
        {
            int last = Math.Min(span.Length, position + 1 + PlainLengthDigits);
            while (cr < last && (digit = (uint)(span[cr] - '0')) <= 9)
            {
                value = (value * 10) + digit;
                cr++;
            }
        }
        return cr + 1 < span.Length && span[cr] == (byte)'\r';
    }

    // 18 digits cannot overflow a long; longer lengths are refused by the general path anyway.
    private const int PlainLengthDigits = 18;

    // Redis closes such a client without a reply ("closing client that reached max query buffer length").
    private ParseResult NeedMoreWithin(ReadOnlySequence<byte> buffer) => NeedMoreWithin(buffer.Length);

    private ParseResult NeedMoreWithin(long buffered) =>
        buffered > _limits.ClientQueryBufferLimit ? Fail(QueryBufferLimitReached) : ParseResult.NeedMore;

    /// <summary>The <see cref="Error"/> of a client closed for its query buffer: logged, not sent.</summary>
    public const string QueryBufferLimitReached = "closing client that reached max query buffer length";

    private ParseResult ParseInline(ReadOnlySequence<byte> buffer, CommandArguments args, out long consumed)
    {
        consumed = 0;
        long newline = FindLineEnd(buffer, (byte)'\n', RequestLimits.LineScanLimit);
        if (newline < 0)
        {
            return Unterminated(buffer.Length, RequestLimits.LineScanLimit, "Protocol error: too big inline request");
        }
        ReadOnlySequence<byte> lineSequence = buffer.Slice(0, newline);
        Span<byte> lineBuffer = lineSequence.IsSingleSegment ? default : new byte[lineSequence.Length];
        ReadOnlySpan<byte> line;
        if (lineSequence.IsSingleSegment)
        {
            line = lineSequence.FirstSpan;
        }
        else
        {
            lineSequence.CopyTo(lineBuffer);
            line = lineBuffer;
        }
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }
        // Redis caps unauthenticated multibulk requests only: an inline line is already capped at 64 KB.
        if (!InlineSplitter.Split(line, args))
        {
            return Fail("Protocol error: unbalanced quotes in request");
        }
        consumed = newline + 1;
        return ParseResult.Command;
    }

    /// <summary>
    /// Tells whether more of the client's bytes are already waiting to be read (the socket has them): asked only about
    /// a line that is over 64 KB and has no end yet. Null: nothing is waiting.
    /// </summary>
    public Func<bool>? InputPending { get; set; }

    /// <summary>
    /// Where a line ends as Redis's strchr finds it: the first <paramref name="terminator"/> before any NUL byte (a NUL
    /// hides the rest, so such a line never ends), within the first <paramref name="limit"/> bytes; -1 when not found.
    /// </summary>
    private static int FindLineEnd(ReadOnlySpan<byte> span, byte terminator, int limit)
    {
        int hit = span.IndexOfAny(terminator, (byte)0);
        return hit >= 0 && hit < limit && span[hit] == terminator ? hit : -1;
    }

    private static long FindLineEnd(ReadOnlySequence<byte> buffer, byte terminator, int limit)
    {
        if (buffer.IsSingleSegment)
        {
            return FindLineEnd(buffer.FirstSpan, terminator, limit);
        }
        long offset = 0;
        foreach (ReadOnlyMemory<byte> segment in buffer)
        {
            int hit = segment.Span.IndexOfAny(terminator, (byte)0);
            if (hit >= 0)
            {
                return offset + hit < limit && segment.Span[hit] == terminator ? offset + hit : -1;
            }
            offset += segment.Length;
            if (offset >= limit)
            {
                return -1;
            }
        }
        return -1;
    }

    /// <summary>
    /// A line without an end so far. Redis refuses it once more than 64 KB are buffered at the end of a read, and its
    /// reads take up to <paramref name="limit"/> at once: so it is "too big" when that much is here, or when more than
    /// 64 KB is and no more bytes are waiting (the client sent all it had); otherwise it needs more.
    /// </summary>
    private ParseResult Unterminated(long buffered, int limit, string error)
    {
        if (buffered >= limit || (buffered > RequestLimits.InlineMaxSize && InputPending?.Invoke() != true))
        {
            return Fail(error);
        }
        return ParseResult.NeedMore;
    }

    /// <summary>
    /// After <see cref="ParseResult.NeedMore"/> inside a bulk's payload: its declared length (else -1), and where the
    /// payload starts in the buffer that was parsed (<see cref="PendingPayloadOffset"/>).
    /// </summary>
    public long PendingBulkLength { get; private set; } = -1;

    public long PendingPayloadOffset { get; private set; }

    /// <summary>
    /// The pending bulk's payload (and its CRLF) was received elsewhere, into <paramref name="payload"/>: it becomes the
    /// next argument, and the command goes on at the start of the next buffer given to <see cref="TryParse"/>. The
    /// arguments before it must no longer point into the buffer they were parsed from (<see cref="CommandArguments.DetachFromInput"/>).
    /// </summary>
    public void CompleteBulk(CommandArguments args, byte[] payload)
    {
        args.Truncate(_argsDone);
        args.AddWhole(payload);
        _argsDone++;
        _resumeOffset = 0;
        PendingBulkLength = -1;
    }

    /// <summary>Forgets an unfinished command so that it is parsed again from its first byte (its bytes moved).</summary>
    public void Restart()
    {
        _argsExpected = 0;
        _argsDone = 0;
        _resumeOffset = 0;
    }

    /// <summary>The checks on a "*count" line's digits, shared by both paths; false with the failure to return.</summary>
    private bool TryMultibulkCount(ReadOnlySpan<byte> digits, out long count, out ParseResult failure)
    {
        failure = ParseResult.ProtocolError;
        if (!RespNumber.TryParseInt64(digits, out count))
        {
            failure = Fail("Protocol error: invalid multibulk length");
            return false;
        }
        return CheckMultibulkCount(count, out failure);
    }

    /// <summary>The limits on a parsed "*count", whichever way its line was read.</summary>
    private bool CheckMultibulkCount(long count, out ParseResult failure)
    {
        failure = ParseResult.ProtocolError;
        if (count > int.MaxValue)
        {
            failure = Fail("Protocol error: invalid multibulk length");
            return false;
        }
        if (Unauthenticated && count > RequestLimits.UnauthenticatedMaxArgs)
        {
            failure = Fail("Protocol error: unauthenticated multibulk length");
            return false;
        }
        return true;
    }

    /// <summary>The checks on a "$length" line, shared by both paths; false with the failure to return.</summary>
    private bool TryBulkLength(ReadOnlySpan<byte> line, out long length, out ParseResult failure)
    {
        failure = ParseResult.ProtocolError;
        length = 0;
        byte marker = line.Length > 0 ? line[0] : (byte)'\r';
        if (marker != (byte)'$')
        {
            failure = Fail($"Protocol error: expected '$', got '{(char)marker}'");
            return false;
        }
        if (!RespNumber.TryParseInt64(line[1..], out length))
        {
            failure = Fail("Protocol error: invalid bulk length");
            return false;
        }
        return CheckBulkLength(length, out failure);
    }

    /// <summary>The limits on a parsed bulk length, whichever way its line was read.</summary>
    private bool CheckBulkLength(long length, out ParseResult failure)
    {
        failure = ParseResult.ProtocolError;
        if (length < 0 || length > _limits.ProtoMaxBulkLen)
        {
            failure = Fail("Protocol error: invalid bulk length");
            return false;
        }
        if (Unauthenticated && length > RequestLimits.UnauthenticatedMaxBulk)
        {
            failure = Fail("Protocol error: unauthenticated bulk length");
            return false;
        }
        return true;
    }

    private ParseResult Fail(string error)
    {
        Error = error;
        _argsExpected = 0;
        _argsDone = 0;
        _resumeOffset = 0;
        return ParseResult.ProtocolError;
    }
}
