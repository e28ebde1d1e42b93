namespace RedisClone.Benchmarks.Resp;

/// <summary>
/// Parses what a subscriber connection receives (RESP2 arrays or RESP3 pushes): message, pmessage, subscribe and
/// psubscribe frames, errors, and anything else well-formed as <see cref="PushKind.Other"/>. Pure and incremental:
/// a frame cut anywhere reports <see cref="PushKind.Incomplete"/> and is parsed again once more bytes arrived.
/// </summary>
public static class PushFrameParser
{
    private const int MaxNumberDigits = 19;

    /// <summary>Parses the frame at the start of <paramref name="data"/>; malformed input throws InvalidDataException.</summary>
    public static PushFrame Parse(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return PushFrame.Incomplete;
        }
        switch (data[0])
        {
            case (byte)'*':
            case (byte)'>':
                return ParseAggregate(data);
            case (byte)'-':
                return ParseLine(data, PushKind.Error);
            case (byte)'+':
            case (byte)':':
                return ParseLine(data, PushKind.Other);
            default:
                throw new InvalidDataException($"unexpected RESP type byte 0x{data[0]:x2}");
        }
    }

    private static PushFrame ParseLine(ReadOnlySpan<byte> data, PushKind kind)
    {
        int lineEnd = data.IndexOf("\r\n"u8);
        return lineEnd < 0
            ? PushFrame.Incomplete
            : new PushFrame(kind, lineEnd + 2, 1, lineEnd - 1, 0, 0, 0);
    }

    private static PushFrame ParseAggregate(ReadOnlySpan<byte> data)
    {
        if (!TryReadNumber(data, 1, out long count, out int position))
        {
            return PushFrame.Incomplete;
        }
        // The first four elements are all a pub/sub frame has; later ones of other frames are only skipped.
        Span<int> starts = stackalloc int[4];
        Span<int> lengths = stackalloc int[4];
        long integer = 0;
        for (long i = 0; i < count; i++)
        {
            if (position >= data.Length)
            {
                return PushFrame.Incomplete;
            }
            byte type = data[position];
            if (type == (byte)'$')
            {
                if (!TryReadNumber(data, position + 1, out long length, out int bodyStart))
                {
                    return PushFrame.Incomplete;
                }
                long end = length < 0 ? bodyStart : bodyStart + length + 2;
                if (end > data.Length)
                {
                    return PushFrame.Incomplete;
                }
                if (length >= 0 && (data[(int)end - 2] != (byte)'\r' || data[(int)end - 1] != (byte)'\n'))
                {
                    throw new InvalidDataException("a bulk string does not end with CRLF");
                }
                if (i < 4)
                {
                    starts[(int)i] = bodyStart;
                    lengths[(int)i] = (int)Math.Max(length, 0);
                }
                position = (int)end;
            }
            else if (type == (byte)':')
            {
                if (!TryReadNumber(data, position + 1, out integer, out position))
                {
                    return PushFrame.Incomplete;
                }
            }
            else
            {
                throw new InvalidDataException($"unexpected element type 0x{type:x2} in a pub/sub frame");
            }
        }
        if (count < 3)
        {
            return new PushFrame(PushKind.Other, position, 0, 0, 0, 0, 0);
        }
        ReadOnlySpan<byte> kind = data.Slice(starts[0], lengths[0]);
        if (count == 3 && kind.SequenceEqual("message"u8))
        {
            return new PushFrame(PushKind.Message, position, starts[1], lengths[1], starts[2], lengths[2], 0);
        }
        if (count == 4 && kind.SequenceEqual("pmessage"u8))
        {
            return new PushFrame(PushKind.PatternMessage, position, starts[2], lengths[2], starts[3], lengths[3], 0);
        }
        if (count == 3 && kind.SequenceEqual("subscribe"u8))
        {
            return new PushFrame(PushKind.Subscribed, position, starts[1], lengths[1], 0, 0, integer);
        }
        if (count == 3 && kind.SequenceEqual("psubscribe"u8))
        {
            return new PushFrame(PushKind.PatternSubscribed, position, starts[1], lengths[1], 0, 0, integer);
        }
        return new PushFrame(PushKind.Other, position, 0, 0, 0, 0, 0);
    }

    /// <summary>Reads "[-]digits\r\n" at <paramref name="start"/>; false when the bytes end first.</summary>
    internal static bool TryReadNumber(ReadOnlySpan<byte> data, int start, out long value, out int next)
    {
        value = 0;
        next = 0;
        int position = start;
        bool negative = position < data.Length && data[position] == (byte)'-';
        if (negative)
        {
            position++;
        }
        int digitsStart = position;
        while (position < data.Length)
        {
            byte b = data[position];
            if (b == (byte)'\r')
            {
                if (position + 1 >= data.Length)
                {
                    return false;
                }
                if (data[position + 1] != (byte)'\n' || position == digitsStart)
                {
                    throw new InvalidDataException("a RESP number is malformed");
                }
                value = negative ? -value : value;
                next = position + 2;
                return true;
            }
            if (b is < (byte)'0' or > (byte)'9' || position - digitsStart >= MaxNumberDigits)
            {
                throw new InvalidDataException("a RESP number is malformed");
            }
            value = (value * 10) + (b - '0');
            position++;
        }
        return false;
    }
}
