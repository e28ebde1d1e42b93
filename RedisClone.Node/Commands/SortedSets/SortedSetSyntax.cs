using System.Globalization;
using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;

namespace RedisClone.Node.Commands.SortedSets;

/// <summary>Sorted-set argument syntax (scores, score and lex ranges) and score replies, by Redis 7.0's rules.</summary>
internal static class SortedSetSyntax
{
    public const string NotFloat = RespLiterals.NotFloat;
    public const string RangeNotFloat = "ERR min or max is not a float";
    public const string RangeNotLex = "ERR min or max not valid string range item";
    public const string ResultIsNaN = "ERR resulting score is not a number (NaN)";

    /// <summary>
    /// Redis's getDoubleFromObject: the whole argument must be what strtod reads (decimal, hex, inf, infinity), with no
    /// leading space; NaN and values that overflow, or underflow to zero, are refused.
    /// </summary>
    public static bool TryParseScore(ReadOnlySpan<byte> text, out double value)
    {
        if (text.Length == 0 || IsCSpace(text[0]))
        {
            value = 0;
            return false;
        }
        return TryStrtod(text, out value, out int consumed, out bool outOfRange) && consumed == text.Length && !outOfRange && !double.IsNaN(value);
    }

    /// <summary>
    /// One end of a score range as Redis's zslParseRange reads it: "(" makes it exclusive, then strtod up to the end of
    /// the C string (leading spaces allowed, an empty text reads as 0); only NaN is refused.
    /// </summary>
    public static bool TryParseRangeEnd(ReadOnlySpan<byte> text, out double value, out bool exclusive)
    {
        exclusive = text.Length > 0 && text[0] == '(';
        if (exclusive)
        {
            text = text[1..];
        }
        int nul = text.IndexOf((byte)0);
        if (nul >= 0)
        {
            text = text[..nul];
        }
        int start = 0;
        while (start < text.Length && IsCSpace(text[start]))
        {
            start++;
        }
        if (start == text.Length)
        {
            // strtod reads nothing and leaves the end pointer at the start, which is the terminating NUL.
            value = 0;
            return start == 0;
        }
        return TryStrtod(text[start..], out value, out int consumed, out _) && consumed == text.Length - start && !double.IsNaN(value);
    }

    /// <summary>A score range: [min, max] with either end exclusive.</summary>
    public readonly record struct ScoreRange(double Min, bool MinExclusive, double Max, bool MaxExclusive)
    {
        public bool IsEmpty => Min > Max || (Min == Max && (MinExclusive || MaxExclusive));
    }

    public static bool TryParseScoreRange(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out ScoreRange range)
    {
        range = default;
        if (!TryParseRangeEnd(min, out double lo, out bool loEx) || !TryParseRangeEnd(max, out double hi, out bool hiEx))
        {
            return false;
        }
        range = new ScoreRange(lo, loEx, hi, hiEx);
        return true;
    }

    /// <summary>Elements below a score range's start.</summary>
    public readonly struct BelowMin(ScoreRange range) : IElementBound
    {
        public bool IsBefore(double score, ReadOnlySpan<byte> member) => range.MinExclusive ? score <= range.Min : score < range.Min;
    }

    /// <summary>Elements at or below a score range's end.</summary>
    public readonly struct WithinMax(ScoreRange range) : IElementBound
    {
        public bool IsBefore(double score, ReadOnlySpan<byte> member) => range.MaxExclusive ? score < range.Max : score <= range.Max;
    }

    /// <summary>One end of a lex range: "-" and "+" are the infinities, otherwise "[" inclusive or "(" exclusive.</summary>
    public readonly struct LexEnd
    {
        public LexEnd(int infinity, byte[]? value, bool exclusive)
        {
            Infinity = infinity;
            Value = value;
            Exclusive = exclusive;
        }

        /// <summary>-1 for "-", 1 for "+", 0 for a string.</summary>
        public int Infinity { get; }
        public byte[]? Value { get; }
        public bool Exclusive { get; }
    }

    public static bool TryParseLexEnd(ReadOnlySpan<byte> text, out LexEnd end)
    {
        end = default;
        if (text.Length == 0)
        {
            return false;
        }
        switch (text[0])
        {
            case (byte)'+' when text.Length == 1:
                end = new LexEnd(1, null, false);
                return true;
            case (byte)'-' when text.Length == 1:
                end = new LexEnd(-1, null, false);
                return true;
            case (byte)'(':
                end = new LexEnd(0, text[1..].ToArray(), true);
                return true;
            case (byte)'[':
                end = new LexEnd(0, text[1..].ToArray(), false);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Elements below a lex range's start (members only: lex ranges assume equal scores, as in Redis).</summary>
    public readonly struct BelowLexMin(LexEnd min) : IElementBound
    {
        public bool IsBefore(double score, ReadOnlySpan<byte> member) => min.Infinity switch
        {
            -1 => false,
            1 => true,
            _ => min.Exclusive ? member.SequenceCompareTo(min.Value) <= 0 : member.SequenceCompareTo(min.Value) < 0,
        };
    }

    /// <summary>Elements at or below a lex range's end.</summary>
    public readonly struct WithinLexMax(LexEnd max) : IElementBound
    {
        public bool IsBefore(double score, ReadOnlySpan<byte> member) => max.Infinity switch
        {
            -1 => false,
            1 => true,
            _ => max.Exclusive ? member.SequenceCompareTo(max.Value) < 0 : member.SequenceCompareTo(max.Value) <= 0,
        };
    }

    /// <summary>The element ranks [start, end) a score range covers.</summary>
    public static (int Start, int End) RanksOf(SortedSetValue set, ScoreRange range)
    {
        if (range.IsEmpty)
        {
            return (0, 0);
        }
        int start = set.CountBefore(new BelowMin(range));
        int end = set.CountBefore(new WithinMax(range));
        return (start, Math.Max(start, end));
    }

    /// <summary>The element ranks [start, end) a lex range covers.</summary>
    public static (int Start, int End) RanksOf(SortedSetValue set, LexEnd min, LexEnd max)
    {
        int start = set.CountBefore(new BelowLexMin(min));
        int end = set.CountBefore(new WithinLexMax(max));
        return (start, Math.Max(start, end));
    }

    /// <summary>Redis's addReplyDouble: a bulk string in RESP2, a double in RESP3, "%.17g" digits and inf/-inf.</summary>
    public static void WriteScore(RespWriter reply, double score)
    {
        Span<byte> text = stackalloc byte[32];
        int length = FormatScore(score, text);
        if (reply.IsResp3)
        {
            Span<byte> line = stackalloc byte[35];
            line[0] = (byte)',';
            text[..length].CopyTo(line[1..]);
            line[length + 1] = (byte)'\r';
            line[length + 2] = (byte)'\n';
            reply.WriteRaw(line[..(length + 3)]);
        }
        else
        {
            reply.WriteBulk(text[..length]);
        }
    }

    /// <summary>C's "%.17g" (and "inf"/"-inf") into <paramref name="destination"/> (32 bytes are enough).</summary>
    public static int FormatScore(double score, Span<byte> destination)
    {
        if (double.IsPositiveInfinity(score))
        {
            "inf"u8.CopyTo(destination);
            return 3;
        }
        if (double.IsNegativeInfinity(score))
        {
            "-inf"u8.CopyTo(destination);
            return 4;
        }
        Span<char> chars = stackalloc char[32];
        score.TryFormat(chars, out int n, "G17", CultureInfo.InvariantCulture);
        int e = chars[..n].IndexOf('E');
        int length = 0;
        if (e < 0)
        {
            for (int i = 0; i < n; i++)
            {
                destination[length++] = (byte)chars[i];
            }
            return length;
        }
        // .NET writes "1E+20" and "1E-05"; C writes "1e+20" and "1e-05": a lower-case e, a sign, two digits at least.
        for (int i = 0; i < e; i++)
        {
            destination[length++] = (byte)chars[i];
        }
        destination[length++] = (byte)'e';
        int p = e + 1;
        char sign = '+';
        if (chars[p] is '+' or '-')
        {
            sign = chars[p++];
        }
        destination[length++] = (byte)sign;
        if (n - p < 2)
        {
            destination[length++] = (byte)'0';
        }
        for (; p < n; p++)
        {
            destination[length++] = (byte)chars[p];
        }
        return length;
    }

    private static bool IsCSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';

    /// <summary>
    /// glibc's strtod on a prefix of <paramref name="text"/> (no leading spaces here): how many bytes it reads and
    /// whether it sets ERANGE with an infinite or zero result. False when nothing is read.
    /// </summary>
    private static bool TryStrtod(ReadOnlySpan<byte> text, out double value, out int consumed, out bool outOfRange)
    {
        value = 0;
        consumed = 0;
        outOfRange = false;
        int p = 0;
        bool negative = false;
        if (p < text.Length && text[p] is (byte)'+' or (byte)'-')
        {
            negative = text[p] == '-';
            p++;
        }
        ReadOnlySpan<byte> rest = text[p..];
        if (StartsWithIgnoreCase(rest, "infinity"u8) || StartsWithIgnoreCase(rest, "inf"u8))
        {
            consumed = p + (StartsWithIgnoreCase(rest, "infinity"u8) ? 8 : 3);
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        if (StartsWithIgnoreCase(rest, "nan"u8))
        {
            consumed = p + 3;
            if (consumed < text.Length && text[consumed] == '(')
            {
                int close = text[consumed..].IndexOf((byte)')');
                if (close > 0 && IsNanChars(text.Slice(consumed + 1, close - 1)))
                {
                    consumed += close + 1;
                }
            }
            value = double.NaN;
            return true;
        }
        if (rest.Length >= 2 && rest[0] == '0' && (rest[1] | 0x20) == 'x' && TryHex(rest[2..], out double hex, out int hexLength))
        {
            consumed = p + 2 + hexLength;
            value = negative ? -hex : hex;
            outOfRange = double.IsInfinity(hex);
            return true;
        }
        int start = p;
        int digits = 0;
        bool nonZeroDigit = false;
        while (p < text.Length && char.IsAsciiDigit((char)text[p]))
        {
            nonZeroDigit |= text[p] != '0';
            p++;
            digits++;
        }
        if (p < text.Length && text[p] == '.')
        {
            p++;
            while (p < text.Length && char.IsAsciiDigit((char)text[p]))
            {
                nonZeroDigit |= text[p] != '0';
                p++;
                digits++;
            }
        }
        if (digits == 0)
        {
            return false;
        }
        if (p < text.Length && (text[p] | 0x20) == 'e')
        {
            int q = p + 1;
            if (q < text.Length && text[q] is (byte)'+' or (byte)'-')
            {
                q++;
            }
            if (q < text.Length && char.IsAsciiDigit((char)text[q]))
            {
                while (q < text.Length && char.IsAsciiDigit((char)text[q]))
                {
                    q++;
                }
                p = q;
            }
        }
        consumed = p;
        Span<char> chars = p - start <= 256 ? stackalloc char[p - start] : new char[p - start];
        for (int i = start; i < p; i++)
        {
            chars[i - start] = (char)text[i];
        }
        double parsed = double.Parse(chars, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture);
        outOfRange = double.IsInfinity(parsed) || (parsed == 0 && nonZeroDigit);
        value = negative ? -parsed : parsed;
        return true;
    }

    /// <summary>The digits of a hex float after "0x" (mantissa, optional point, optional binary exponent).</summary>
    private static bool TryHex(ReadOnlySpan<byte> text, out double value, out int consumed)
    {
        value = 0;
        consumed = 0;
        ulong mantissa = 0;
        int exponent = 0;
        int digits = 0;
        int p = 0;
        bool point = false;
        while (p < text.Length)
        {
            int d = HexValue(text[p]);
            if (d < 0)
            {
                if (text[p] == '.' && !point)
                {
                    point = true;
                    p++;
                    continue;
                }
                break;
            }
            digits++;
            if (mantissa >> 56 == 0)
            {
                mantissa = (mantissa << 4) | (uint)d;
                if (point)
                {
                    exponent -= 4;
                }
            }
            else if (!point)
            {
                // Digits past 60 bits only scale the value (their bits are below double's precision).
                exponent += 4;
            }
            p++;
        }
        if (digits == 0)
        {
            return false;
        }
        if (p < text.Length && (text[p] | 0x20) == 'p')
        {
            int q = p + 1;
            bool negative = false;
            if (q < text.Length && text[q] is (byte)'+' or (byte)'-')
            {
                negative = text[q] == '-';
                q++;
            }
            if (q < text.Length && char.IsAsciiDigit((char)text[q]))
            {
                int e = 0;
                while (q < text.Length && char.IsAsciiDigit((char)text[q]))
                {
                    e = Math.Min(e * 10 + (text[q] - '0'), 100_000);
                    q++;
                }
                exponent += negative ? -e : e;
                p = q;
            }
        }
        consumed = p;
        value = Math.ScaleB(mantissa, exponent);
        return true;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static bool IsNanChars(ReadOnlySpan<byte> text)
    {
        foreach (byte b in text)
        {
            if (!char.IsAsciiLetterOrDigit((char)b) && b != '_')
            {
                return false;
            }
        }
        return true;
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> lowerPrefix) =>
        text.Length >= lowerPrefix.Length && System.Text.Ascii.EqualsIgnoreCase(text[..lowerPrefix.Length], lowerPrefix);
}
