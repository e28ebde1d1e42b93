using System.Buffers.Text;
using System.Globalization;

namespace RedisClone.Node.Protocol;

/// <summary>Number parsing and formatting with Redis's exact rules (string2ll, %.17g); long doubles are in <see cref="LongDouble"/>.</summary>
internal static class RespNumber
{
    private const int LongStringSize = 21;

    /// <summary>Redis's string2ll: no sign other than '-', no leading zeros, no spaces, no overflow.</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        if (s.Length == 0 || s.Length >= LongStringSize)
        {
            return false;
        }
        if (s.Length == 1 && s[0] == '0')
        {
            return true;
        }
        int p = 0;
        bool negative = false;
        if (s[0] == '-')
        {
            negative = true;
            p++;
            if (p == s.Length)
            {
                return false;
            }
        }
        if (s[p] < '1' || s[p] > '9')
        {
            return false;
        }
        ulong v = (ulong)(s[p] - '0');
        for (p++; p < s.Length; p++)
        {
            uint digit = (uint)(s[p] - '0');
            if (digit > 9)
            {
                return false;
            }
            if (v > (ulong.MaxValue / 10) || v * 10 > ulong.MaxValue - digit)
            {
                return false;
            }
            v = v * 10 + digit;
        }
        if (negative)
        {
            if (v > (ulong)long.MaxValue + 1)
            {
                return false;
            }
            value = (long)(0 - v);
        }
        else
        {
            if (v > long.MaxValue)
            {
                return false;
            }
            value = (long)v;
        }
        return true;
    }

    public static int Format(long value, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(value, destination, out int written);
        return written;
    }

    /// <summary>Formats a RESP3 double (and the RESP2 bulk form of one) like Redis's addReplyDouble (%.17g).</summary>
    public static string FormatDouble(double value)
    {
        if (double.IsPositiveInfinity(value))
        {
            return "inf";
        }
        if (double.IsNegativeInfinity(value))
        {
            return "-inf";
        }
        if (double.IsNaN(value))
        {
            return "nan";
        }
        return value.ToString("R", CultureInfo.InvariantCulture).Replace("E+", "e+", StringComparison.Ordinal).Replace("E-", "e-", StringComparison.Ordinal);
    }
}
