using System.Globalization;
using System.Text;

namespace RedisClone.Tests.Diagnostics;

/// <summary>A RESP2 reply read into nested values: string (simple, bulk, error with its '-'), long, null, or a list.</summary>
public static class RespValue
{
    public static object? Parse(string reply)
    {
        int p = 0;
        object? value = Read(reply, ref p);
        Assert.Equal(reply.Length, p);
        return value;
    }

    public static List<object?> List(object? value) => Assert.IsType<List<object?>>(value);

    private static object? Read(string text, ref int p)
    {
        int end = text.IndexOf("\r\n", p, StringComparison.Ordinal);
        char type = text[p];
        string line = text[(p + 1)..end];
        p = end + 2;
        switch (type)
        {
            case '+':
                return line;
            case '-':
                return "-" + line;
            case ':':
                return long.Parse(line, CultureInfo.InvariantCulture);
            case '$':
                int length = int.Parse(line, CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return null;
                }
                // RawClient decodes as UTF-8; the tests here only use ASCII bulk strings.
                string bulk = text.Substring(p, length);
                p += length + 2;
                return bulk;
            case '*':
                int count = int.Parse(line, CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return null;
                }
                var items = new List<object?>(count);
                for (int i = 0; i < count; i++)
                {
                    items.Add(Read(text, ref p));
                }
                return items;
            default:
                throw new FormatException($"unexpected RESP type '{type}' in {Encoding.ASCII.GetByteCount(text)} bytes");
        }
    }
}
