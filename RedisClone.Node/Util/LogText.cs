using System.Text;

namespace RedisClone.Node.Util;

/// <summary>
/// Client bytes made safe for a log line: CR, LF, tab and backslash as \r \n \t \\, every other control byte and every
/// byte above 0x7e as \xHH, so that nothing a client sends can end a log line or start a forged one.
/// </summary>
internal static class LogText
{
    /// <summary>Escapes a string whose chars are bytes (Latin-1, as the parser's error texts are) or plain text.</summary>
    public static string Escape(string text)
    {
        int i = 0;
        while (i < text.Length && IsPlain(text[i]))
        {
            i++;
        }
        if (i == text.Length)
        {
            return text;
        }
        var escaped = new StringBuilder(text.Length + 16).Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            char ch = text[i];
            if (IsPlain(ch))
            {
                escaped.Append(ch);
            }
            else if (ch <= 0xff)
            {
                AppendByte(escaped, (byte)ch);
            }
            else
            {
                // A char beyond Latin-1 came from UTF-16 text: escape its UTF-8 bytes.
                foreach (byte b in Encoding.UTF8.GetBytes(ch.ToString()))
                {
                    AppendByte(escaped, b);
                }
            }
        }
        return escaped.ToString();
    }

    /// <summary>Escapes raw client bytes.</summary>
    public static string Escape(ReadOnlySpan<byte> bytes)
    {
        var escaped = new StringBuilder(bytes.Length + 16);
        foreach (byte b in bytes)
        {
            if (IsPlain((char)b))
            {
                escaped.Append((char)b);
            }
            else
            {
                AppendByte(escaped, b);
            }
        }
        return escaped.ToString();
    }

    private static bool IsPlain(char ch) => ch is >= ' ' and <= '~' and not '\\';

    private static void AppendByte(StringBuilder escaped, byte b) => escaped.Append(b switch
    {
        (byte)'\r' => "\\r",
        (byte)'\n' => "\\n",
        (byte)'\t' => "\\t",
        (byte)'\\' => "\\\\",
        _ => $"\\x{b:x2}",
    });
}
