using System.Diagnostics.CodeAnalysis;
using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;
using RedisClone.Node.Util;

namespace RedisClone.Node.Commands.Keys;

/// <summary>
/// HSCAN, SSCAN and ZSCAN's shared part (Redis's scanGenericCommand for one value): the cursor, read before the key is looked
/// up, and the MATCH and COUNT options, read only once the key exists (a missing key answers an empty scan whatever
/// the options, as Redis does).
/// </summary>
internal static class CollectionScan
{
    public const int CursorIndex = 2;

    /// <summary>
    /// What every collection scan does before it scans, in Redis's order: the cursor, the key's type, the empty reply of
    /// a missing key, then the options. False when the reply is already written (an error, or the empty scan).
    /// </summary>
    public static bool TryStart<T>(CommandContext c, out ulong cursor, [NotNullWhen(true)] out T? value, out byte[]? pattern, out int count)
        where T : CollectionValue
    {
        pattern = null;
        count = 0;
        value = null;
        if (!TryCursor(c, out cursor) || !c.TryGetCollection(c.Args[1], out _, out value))
        {
            return false;
        }
        if (value is null)
        {
            WriteEmpty(c);
            return false;
        }
        return TryOptions(c, out pattern, out count);
    }

    /// <summary>Reads the cursor at argument 2; "ERR invalid cursor" written otherwise.</summary>
    private static bool TryCursor(CommandContext c, out ulong cursor)
    {
        if (KeyCommands.TryParseCursor(c.Args[CursorIndex], out cursor))
        {
            return true;
        }
        c.Reply.WriteError(RespLiterals.InvalidCursor);
        return false;
    }

    /// <summary>The empty scan a missing key answers: cursor 0, no elements.</summary>
    private static void WriteEmpty(CommandContext c) => c.Reply.WriteRaw("*2\r\n$1\r\n0\r\n*0\r\n"u8);

    /// <summary>MATCH and COUNT from argument 3 on; the pattern is null when every element matches.</summary>
    private static bool TryOptions(CommandContext c, out byte[]? pattern, out int count)
    {
        pattern = null;
        count = 10;
        for (int i = CursorIndex + 1; i < c.Args.Count; i += 2)
        {
            if (i + 1 >= c.Args.Count)
            {
                c.SyntaxError();
                return false;
            }
            if (c.ArgIs(i, "COUNT"u8))
            {
                if (!c.TryInteger(i + 1, out long requested))
                {
                    return false;
                }
                if (requested < 1)
                {
                    c.SyntaxError();
                    return false;
                }
                count = (int)Math.Min(requested, int.MaxValue / 16);
            }
            else if (c.ArgIs(i, "MATCH"u8))
            {
                pattern = c.Args[i + 1] is [(byte)'*'] ? null : c.Args.ToArray(i + 1);
            }
            else
            {
                c.SyntaxError();
                return false;
            }
        }
        return true;
    }

    public static bool Matches(byte[]? pattern, ReadOnlySpan<byte> element) => pattern is null || GlobMatcher.IsMatch(pattern, element);

    /// <summary>Writes the cursor part of a scan reply and the header of its element array.</summary>
    public static void WriteHeader(RespWriter reply, ulong next, int elements)
    {
        reply.WriteArrayHeader(2);
        Span<byte> digits = stackalloc byte[24];
        System.Buffers.Text.Utf8Formatter.TryFormat(next, digits, out int written);
        reply.WriteBulk(digits[..written]);
        reply.WriteArrayHeader(elements);
    }
}
