using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace RedisClone.Node.Protocol;

/// <summary>Number parsing and formatting with Redis's exact rules (string2ll, string2ld, ld2string).</summary>
public static class RespNumber
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

    /// <summary>Redis's string2ld: a float with no surrounding spaces; "inf" allowed, NaN refused.</summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        if (s.Length == 0 || s.Length > 5120 || IsSpace(s[0]) || IsSpace(s[^1]))
        {
            return false;
        }
        Span<char> chars = s.Length <= 256 ? stackalloc char[s.Length] : new char[s.Length];
        for (int i = 0; i < s.Length; i++)
        {
            chars[i] = (char)s[i];
        }
        ReadOnlySpan<char> text = chars;
        if (text.Equals("inf", StringComparison.OrdinalIgnoreCase) || text.Equals("+inf", StringComparison.OrdinalIgnoreCase)
            || text.Equals("infinity", StringComparison.OrdinalIgnoreCase) || text.Equals("+infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = double.PositiveInfinity;
            return true;
        }
        if (text.Equals("-inf", StringComparison.OrdinalIgnoreCase) || text.Equals("-infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NegativeInfinity;
            return true;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || double.IsNaN(value))
        {
            return false;
        }
        return true;
    }

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';

    public static int Format(long value, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(value, destination, out int written);
        return written;
    }

    /// <summary>
    /// Formats like Redis's human-friendly ld2string (used by INCRBYFLOAT): plain decimal notation, no exponent,
    /// no trailing zeros. Redis prints a long double with 17 decimals; the shortest round-trip form of a double is
    /// the closest match .NET offers and gives the same text for every ordinary value.
    /// </summary>
    public static string FormatHumanFriendly(double value)
    {
        if (double.IsPositiveInfinity(value))
        {
            return "inf";
        }
        if (double.IsNegativeInfinity(value))
        {
            return "-inf";
        }
        string r = value.ToString("R", CultureInfo.InvariantCulture);
        int e = r.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return r == "-0" ? "0" : r;
        }
        // Expand the exponent into plain digits.
        bool negative = r[0] == '-';
        string mantissa = r[(negative ? 1 : 0)..e];
        int exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        string digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        int pointPosition = (dot < 0 ? mantissa.Length : dot) + exponent;
        var sb = new StringBuilder();
        if (negative)
        {
            sb.Append('-');
        }
        if (pointPosition <= 0)
        {
            sb.Append("0.").Append('0', -pointPosition).Append(digits);
        }
        else if (pointPosition >= digits.Length)
        {
            sb.Append(digits).Append('0', pointPosition - digits.Length);
        }
        else
        {
            sb.Append(digits, 0, pointPosition).Append('.').Append(digits, pointPosition, digits.Length - pointPosition);
        }
        return sb.ToString();
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
