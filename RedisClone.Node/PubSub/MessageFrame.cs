using RedisClone.Node.Protocol;

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
        int size = 4 + RespBulk.Size(kind.Length) + RespBulk.Size(channel.Length) + RespBulk.Size(payload.Length) + (withPattern ? RespBulk.Size(pattern.Length) : 0);
        byte[] frame = new byte[size];
        Span<byte> span = frame;
        span[0] = resp3 ? (byte)'>' : (byte)'*';
        span[1] = withPattern ? (byte)'4' : (byte)'3';
        span[2] = (byte)'\r';
        span[3] = (byte)'\n';
        int n = 4;
        n += RespBulk.Write(span[n..], kind);
        if (withPattern)
        {
            n += RespBulk.Write(span[n..], pattern);
        }
        n += RespBulk.Write(span[n..], channel);
        RespBulk.Write(span[n..], payload);
        return frame;
    }
}
