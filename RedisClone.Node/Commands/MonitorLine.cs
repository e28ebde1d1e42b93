using System.Buffers;
using System.Buffers.Text;
using RedisClone.Node.Protocol;

namespace RedisClone.Node.Commands;

/// <summary>
/// The line MONITOR sends for one executed command, byte for byte as Redis writes it:
/// <c>+1339518083.107412 [0 127.0.0.1:60866] "set" "k" "v"\r\n</c>, each argument quoted with Redis's repr escaping
/// (sdscatrepr: <c>\\ \" \n \r \t \a \b</c>, printable ASCII as is, any other byte as <c>\xNN</c>).
/// </summary>
internal static class MonitorLine
{
    /// <summary>What Redis shows in place of an argument a command redacted (AUTH and HELLO passwords).</summary>
    public static ReadOnlySpan<byte> Redacted => "(redacted)"u8;

    /// <param name="redacted">Indexes of arguments to show as <see cref="Redacted"/>.</param>
    public static byte[] Format(long unixMicros, int db, ReadOnlySpan<byte> peer, CommandArguments args, ReadOnlySpan<int> redacted)
    {
        Span<byte> head = stackalloc byte[48];
        int h = 0;
        head[h++] = (byte)'+';
        h += WriteInteger(head[h..], unixMicros / 1_000_000);
        head[h++] = (byte)'.';
        Utf8Formatter.TryFormat(unixMicros % 1_000_000, head[h..], out int micros, new StandardFormat('D', 6));
        h += micros;
        head[h++] = (byte)' ';
        head[h++] = (byte)'[';
        h += WriteInteger(head[h..], db);
        head[h++] = (byte)' ';

        int length = h + peer.Length + 1 + 2;
        for (int i = 0; i < args.Count; i++)
        {
            length += 3 + (redacted.Contains(i) ? Redacted.Length : ReprLength(args[i]));
        }
        var line = new byte[length];
        Span<byte> span = line;
        int p = Copy(head[..h], span);
        p += Copy(peer, span[p..]);
        span[p++] = (byte)']';
        for (int i = 0; i < args.Count; i++)
        {
            span[p++] = (byte)' ';
            span[p++] = (byte)'"';
            p += redacted.Contains(i) ? Copy(Redacted, span[p..]) : WriteRepr(args[i], span[p..]);
            span[p++] = (byte)'"';
        }
        span[p++] = (byte)'\r';
        span[p] = (byte)'\n';
        return line;
    }

    private static int WriteInteger(Span<byte> target, long value)
    {
        Utf8Formatter.TryFormat(value, target, out int written);
        return written;
    }

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> target)
    {
        source.CopyTo(target);
        return source.Length;
    }

    private static int ReprLength(ReadOnlySpan<byte> value)
    {
        int length = 0;
        foreach (byte b in value)
        {
            length += b switch
            {
                (byte)'\\' or (byte)'"' or (byte)'\n' or (byte)'\r' or (byte)'\t' or (byte)'\a' or (byte)'\b' => 2,
                >= 0x20 and < 0x7f => 1,
                _ => 4,
            };
        }
        return length;
    }

    private static int WriteRepr(ReadOnlySpan<byte> value, Span<byte> target)
    {
        int p = 0;
        foreach (byte b in value)
        {
            switch (b)
            {
                case (byte)'\\' or (byte)'"':
                    target[p++] = (byte)'\\';
                    target[p++] = b;
                    break;
                case (byte)'\n':
                    p += Copy("\\n"u8, target[p..]);
                    break;
                case (byte)'\r':
                    p += Copy("\\r"u8, target[p..]);
                    break;
                case (byte)'\t':
                    p += Copy("\\t"u8, target[p..]);
                    break;
                case (byte)'\a':
                    p += Copy("\\a"u8, target[p..]);
                    break;
                case (byte)'\b':
                    p += Copy("\\b"u8, target[p..]);
                    break;
                case >= 0x20 and < 0x7f:
                    target[p++] = b;
                    break;
                default:
                    target[p++] = (byte)'\\';
                    target[p++] = (byte)'x';
                    target[p++] = HexDigit(b >> 4);
                    target[p++] = HexDigit(b & 0xf);
                    break;
            }
        }
        return p;
    }

    private static byte HexDigit(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
}
