namespace RedisClone.Node.Protocol;

/// <summary>The one encoder of a RESP bulk string (<c>$&lt;length&gt;\r\n&lt;bytes&gt;\r\n</c>), for replies and pre-encoded frames alike.</summary>
internal static class RespBulk
{
    /// <summary>The encoded size of a bulk string of <paramref name="length"/> bytes.</summary>
    public static int Size(int length) => 1 + Digits(length) + 2 + length + 2;

    /// <summary>Writes <paramref name="value"/> as a bulk string at the start of <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> value)
    {
        destination[0] = (byte)'$';
        int n = 1 + RespNumber.Format(value.Length, destination[1..]);
        destination[n++] = (byte)'\r';
        destination[n++] = (byte)'\n';
        value.CopyTo(destination[n..]);
        n += value.Length;
        destination[n++] = (byte)'\r';
        destination[n++] = (byte)'\n';
        return n;
    }

    private static int Digits(int value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }
        return digits;
    }
}
