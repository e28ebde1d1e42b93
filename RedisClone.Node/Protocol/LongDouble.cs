using System.Globalization;
using System.Numerics;
using System.Text;

namespace RedisClone.Node.Protocol;

/// <summary>
/// The x86-64 <c>long double</c> (80-bit extended: 64-bit mantissa, exponent down to 2^-16445) that Redis computes
/// INCRBYFLOAT in, with glibc's exact rounding: <see cref="TryParse"/> is strtold as Redis's string2ld uses it,
/// <see cref="Add"/> is one rounded addition, <see cref="ToHumanString"/> is ld2string's "%.17Lf" minus trailing zeros.
/// A double cannot stand in: 0.1 + 0.2 must print "0.3", and 1e308 + 1e308 must not overflow.
/// Values are exact <c>mantissa × 2^exponent</c>, so every step rounds once, as the hardware does.
/// </summary>
internal readonly struct LongDouble
{
    private const int MantissaBits = 64;

    // Exponent of the least significant bit: the smallest subnormal is 2^-16445, the largest finite value is below 2^16384.
    private const int MinExponent = -16445;
    private const int MaxExponent = 16384 - MantissaBits;

    // Redis's MAX_LONG_DOUBLE_CHARS: string2ld refuses anything this long.
    private const int MaxChars = 5 * 1024;

    // Decimal exponents past these are certainly out of range (max ≈ 1.19e4932, min subnormal ≈ 3.6e-4951).
    private const int DecimalOverflow = 4940;
    private const int DecimalUnderflow = -4960;

    private static readonly BigInteger TenPow17 = BigInteger.Pow(10, 17);

    private readonly BigInteger _mantissa;
    private readonly int _exponent;
    private readonly bool _negative;
    private readonly Kind _kind;

    private enum Kind : byte
    {
        Finite,
        Infinity,
        NaN,
    }

    private LongDouble(BigInteger mantissa, int exponent, bool negative, Kind kind = Kind.Finite)
    {
        _mantissa = mantissa;
        _exponent = exponent;
        _negative = negative;
        _kind = kind;
    }

    public static LongDouble Zero => new(BigInteger.Zero, 0, negative: false);

    public bool IsFinite => _kind == Kind.Finite;

    /// <summary>The nearest double (infinite past double's range), for the blocking commands' timeouts.</summary>
    public double ToDouble()
    {
        double magnitude = _kind switch
        {
            Kind.Infinity => double.PositiveInfinity,
            Kind.NaN => double.NaN,
            _ => Math.ScaleB((double)_mantissa, _exponent),
        };
        return _negative ? -magnitude : magnitude;
    }

    /// <summary>
    /// Redis's string2ld: the whole text (a NUL inside it included) must be a number strtold accepts (decimal, hex,
    /// "inf"), with no leading space; NaN, and values that overflow or underflow to zero, are refused.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out LongDouble value)
    {
        value = Zero;
        if (text.Length == 0 || text.Length >= MaxChars || IsSpace(text[0]))
        {
            return false;
        }
        int p = 0;
        bool negative = false;
        if (p < text.Length && text[p] is (byte)'+' or (byte)'-')
        {
            negative = text[p] == '-';
            p++;
        }
        ReadOnlySpan<byte> rest = text[p..];
        if (Ascii.EqualsIgnoreCase(rest, "inf"u8) || Ascii.EqualsIgnoreCase(rest, "infinity"u8))
        {
            value = new LongDouble(BigInteger.Zero, 0, negative, Kind.Infinity);
            return true;
        }
        bool parsed = rest.Length > 2 && rest[0] == '0' && (rest[1] | 0x20) == 'x'
            ? TryParseHex(rest[2..], negative, out value, out bool exactZero)
            : TryParseDecimal(rest, negative, out value, out exactZero);
        // Out of range is ERANGE with HUGE_VAL, or with zero for a nonzero input: string2ld refuses both.
        return parsed && value._kind == Kind.Finite && (exactZero || !value._mantissa.IsZero);
    }

    private static bool TryParseDecimal(ReadOnlySpan<byte> s, bool negative, out LongDouble value, out bool exactZero)
    {
        value = Zero;
        exactZero = false;
        BigInteger digits = BigInteger.Zero;
        int digitCount = 0, significant = 0, fractionDigits = 0, p = 0;
        bool seenPoint = false;
        for (; p < s.Length; p++)
        {
            byte c = s[p];
            if (c == '.' && !seenPoint)
            {
                seenPoint = true;
                continue;
            }
            if (c is < (byte)'0' or > (byte)'9')
            {
                break;
            }
            digitCount++;
            if (digits.IsZero && c == '0' && !seenPoint)
            {
                continue;
            }
            digits = digits * 10 + (c - '0');
            if (!digits.IsZero)
            {
                significant++;
            }
            if (seenPoint)
            {
                fractionDigits++;
            }
        }
        if (digitCount == 0)
        {
            return false;
        }
        // "1e" alone: strtold stops before the 'e', so the text is not all used.
        if (!TryReadExponent(s, ref p, (byte)'e', out long exponent))
        {
            return false;
        }
        if (p != s.Length)
        {
            return false;
        }
        long scale = exponent - fractionDigits; // value = digits × 10^scale
        if (digits.IsZero)
        {
            value = new LongDouble(BigInteger.Zero, 0, negative);
            exactZero = true;
            return true;
        }
        long magnitude = significant + scale; // the value is below 10^magnitude
        if (magnitude > DecimalOverflow)
        {
            value = new LongDouble(BigInteger.Zero, 0, negative, Kind.Infinity);
            return true;
        }
        if (magnitude < DecimalUnderflow)
        {
            value = new LongDouble(BigInteger.Zero, 0, negative);
            return true;
        }
        if (scale >= 0)
        {
            value = Round(digits * BigInteger.Pow(10, (int)scale), 0, sticky: false, negative);
            return true;
        }
        value = Divide(digits, BigInteger.Pow(10, (int)-scale), negative);
        return true;
    }

    private static bool TryParseHex(ReadOnlySpan<byte> s, bool negative, out LongDouble value, out bool exactZero)
    {
        value = Zero;
        exactZero = false;
        BigInteger digits = BigInteger.Zero;
        int digitCount = 0, fractionDigits = 0, p = 0;
        bool seenPoint = false;
        for (; p < s.Length; p++)
        {
            byte c = s[p];
            if (c == '.' && !seenPoint)
            {
                seenPoint = true;
                continue;
            }
            int d = c is >= (byte)'0' and <= (byte)'9' ? c - '0' : (c | 0x20) is >= (byte)'a' and <= (byte)'f' ? (c | 0x20) - 'a' + 10 : -1;
            if (d < 0)
            {
                break;
            }
            digits = (digits << 4) + d;
            digitCount++;
            if (seenPoint)
            {
                fractionDigits++;
            }
        }
        if (digitCount == 0)
        {
            return false; // "0x" alone: strtold reads the "0" and stops at the 'x'
        }
        if (!TryReadExponent(s, ref p, (byte)'p', out long exponent))
        {
            return false;
        }
        if (p != s.Length)
        {
            return false;
        }
        long binaryExponent = exponent - 4L * fractionDigits;
        if (digits.IsZero)
        {
            value = new LongDouble(BigInteger.Zero, 0, negative);
            exactZero = true;
            return true;
        }
        long top = (long)digits.GetBitLength() + binaryExponent;
        if (top > MaxExponent + MantissaBits)
        {
            value = new LongDouble(BigInteger.Zero, 0, negative, Kind.Infinity);
            return true;
        }
        if (top < MinExponent - 1)
        {
            value = new LongDouble(BigInteger.Zero, 0, negative);
            return true;
        }
        value = Round(digits, (int)binaryExponent, sticky: false, negative);
        return true;
    }

    /// <summary><paramref name="numerator"/> / <paramref name="denominator"/>, rounded once.</summary>
    private static LongDouble Divide(BigInteger numerator, BigInteger denominator, bool negative)
    {
        // Enough quotient bits for the mantissa plus guard and round bits; the remainder is the sticky bit.
        int shift = (int)Math.Max(0, MantissaBits + 2 + denominator.GetBitLength() - numerator.GetBitLength() + 1);
        BigInteger quotient = BigInteger.DivRem(numerator << shift, denominator, out BigInteger remainder);
        return Round(quotient, -shift, sticky: !remainder.IsZero, negative);
    }

    /// <summary>
    /// Rounds <c>n × 2^e</c> (plus a nonzero amount below its last bit when <paramref name="sticky"/>) to the nearest
    /// long double, ties to even, with subnormals and overflow to infinity.
    /// </summary>
    private static LongDouble Round(BigInteger n, int e, bool sticky, bool negative)
    {
        if (n.IsZero)
        {
            return new LongDouble(BigInteger.Zero, 0, negative);
        }
        long shift = (long)n.GetBitLength() - MantissaBits;
        if (e + shift < MinExponent)
        {
            shift = MinExponent - (long)e;
        }
        if (shift > 0)
        {
            BigInteger kept = n >> (int)shift;
            BigInteger dropped = n - (kept << (int)shift);
            int versusHalf = dropped.CompareTo(BigInteger.One << (int)(shift - 1));
            if (versusHalf > 0 || (versusHalf == 0 && (sticky || !kept.IsEven)))
            {
                kept += 1;
            }
            n = kept;
            e += (int)shift;
            if (n.GetBitLength() > MantissaBits)
            {
                n >>= 1;
                e++;
            }
        }
        else if (shift < 0)
        {
            int left = (int)Math.Min(-shift, (long)e - MinExponent);
            n <<= left;
            e -= left;
        }
        if (n.IsZero)
        {
            return new LongDouble(BigInteger.Zero, 0, negative);
        }
        return e > MaxExponent ? new LongDouble(BigInteger.Zero, 0, negative, Kind.Infinity) : new LongDouble(n, e, negative);
    }

    /// <summary>One long double addition, rounded to nearest.</summary>
    public static LongDouble Add(LongDouble a, LongDouble b)
    {
        if (a._kind == Kind.NaN || b._kind == Kind.NaN)
        {
            return new LongDouble(BigInteger.Zero, 0, negative: false, Kind.NaN);
        }
        if (a._kind == Kind.Infinity || b._kind == Kind.Infinity)
        {
            if (a._kind == Kind.Infinity && b._kind == Kind.Infinity && a._negative != b._negative)
            {
                return new LongDouble(BigInteger.Zero, 0, negative: false, Kind.NaN);
            }
            return a._kind == Kind.Infinity ? a : b;
        }
        int e = Math.Min(a._exponent, b._exponent);
        BigInteger sum = Signed(a) << (a._exponent - e);
        sum += Signed(b) << (b._exponent - e);
        if (sum.IsZero)
        {
            return new LongDouble(BigInteger.Zero, 0, a._negative && b._negative);
        }
        return Round(BigInteger.Abs(sum), e, sticky: false, sum.Sign < 0);
    }

    private static BigInteger Signed(LongDouble x) => x._negative ? -x._mantissa : x._mantissa;

    /// <summary>Redis's ld2string with LD_STR_HUMAN: "%.17Lf", then trailing zeros (and a bare point) dropped; "-0" is "0".</summary>
    public string ToHumanString()
    {
        if (_kind == Kind.Infinity)
        {
            return _negative ? "-inf" : "inf";
        }
        if (_kind == Kind.NaN)
        {
            return "nan";
        }
        BigInteger scaled;
        if (_exponent >= 0)
        {
            scaled = (_mantissa << _exponent) * TenPow17;
        }
        else
        {
            BigInteger numerator = _mantissa * TenPow17;
            int shift = -_exponent;
            scaled = numerator >> shift;
            int versusHalf = (numerator - (scaled << shift)).CompareTo(BigInteger.One << (shift - 1));
            if (versusHalf > 0 || (versusHalf == 0 && !scaled.IsEven))
            {
                scaled += 1;
            }
        }
        string digits = scaled.ToString(CultureInfo.InvariantCulture).PadLeft(18, '0');
        string text = (_negative ? "-" : "") + digits[..^17] + "." + digits[^17..];
        text = text.TrimEnd('0').TrimEnd('.');
        return text == "-0" ? "0" : text;
    }

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';

    /// <summary>
    /// Reads an optional exponent ("e" for decimal, "p" for hex) at <paramref name="p"/>, capped far beyond any finite
    /// long double; false when the marker has no digits after it.
    /// </summary>
    private static bool TryReadExponent(ReadOnlySpan<byte> s, ref int p, byte marker, out long exponent)
    {
        exponent = 0;
        if (p >= s.Length || (s[p] | 0x20) != marker)
        {
            return true;
        }
        int q = p + 1;
        bool negative = false;
        if (q < s.Length && s[q] is (byte)'+' or (byte)'-')
        {
            negative = s[q] == '-';
            q++;
        }
        int start = q;
        while (q < s.Length && s[q] is >= (byte)'0' and <= (byte)'9')
        {
            exponent = Math.Min(exponent * 10 + (s[q] - '0'), 1_000_000_000L);
            q++;
        }
        if (q == start)
        {
            return false;
        }
        exponent = negative ? -exponent : exponent;
        p = q;
        return true;
    }
}
