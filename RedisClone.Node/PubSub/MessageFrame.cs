using System.Buffers.Text;

namespace RedisClone.Node.PubSub;

/// <summary>
/// Encodes a delivered message once, as the bytes every receiving connection will copy: <c>message</c>,
/// <c>smessage</c> or <c>pmessage</c>, as a RESP2 array or a RESP3 push.
/// </summary>
internal static class MessageFrame
{
    public static ReadOnlySpan<byte> Message => "message"u8;
    public static ReadOnlySpan<byte> ShardMessage => "smessage"u8;
    public static ReadOnlySpan<byte> PatternMessage => "pmessage"u8;

    public static byte[] Encode(bool resp3, ReadOnlySpan<byte> kind, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> payload) =>
        Encode(resp3, kind, [], channel, payload, withPattern: false);

    public static byte[] EncodePattern(bool resp3, ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> payload) =>
        Encode(resp3, PatternMessage, pattern, channel, payload, withPattern: true);

    private static byte[] Encode(bool resp3, ReadOnlySpan<byte> kind, ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> payload, bool withPattern)
    {
        int size = 4 + BulkSize(kind) + BulkSize(channel) + BulkSize(payload) + (withPattern ? BulkSize(pattern) : 0);
        byte[] frame = new byte[size];
        Span<byte> span = frame;
        span[0] = resp3 ? (byte)'>' : (byte)'*';
        span[1] = withPattern ? (byte)'4' : (byte)'3';
        span[2] = (byte)'\r';
        span[3] = (byte)'\n';
        int n = 4;
        n += WriteBulk(span[n..], kind);
        if (withPattern)
        {
            n += WriteBulk(span[n..], pattern);
        }
        n += WriteBulk(span[n..], channel);
        WriteBulk(span[n..], payload);
        return frame;
    }

    private static int DigitCount(int value) => value < 10 ? 1 : (int)Math.Floor(Math.Log10(value)) + 1;

    private static int BulkSize(ReadOnlySpan<byte> value) => 1 + DigitCount(value.Length) + 2 + value.Length + 2;

    private static int WriteBulk(Span<byte> span, ReadOnlySpan<byte> value)
    {
        span[0] = (byte)'$';
        Utf8Formatter.TryFormat(value.Length, span[1..], out int digits);
        int n = 1 + digits;
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        value.CopyTo(span[n..]);
        n += value.Length;
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        return n;
    }
}
