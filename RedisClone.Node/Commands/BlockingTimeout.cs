using RedisClone.Node.Protocol;

namespace RedisClone.Node.Commands;

/// <summary>Redis's getTimeoutFromObjectOrReply for the seconds-with-decimals timeout of the blocking commands.</summary>
internal static class BlockingTimeout
{
    public const string NotAFloat = "ERR timeout is not a float or out of range";
    public const string Negative = "ERR timeout is negative";

    /// <summary>
    /// Parses argument <paramref name="index"/> into milliseconds (0: wait forever), or writes Redis's error. Redis
    /// parses a long double (strtold: hex and exponents too), multiplies by 1000 and casts to long long; a value that
    /// does not fit (1e400, inf) comes out as LLONG_MIN on x86-64 and is refused as negative, which is kept here.
    /// </summary>
    public static bool TryParse(CommandContext c, int index, out long milliseconds)
    {
        milliseconds = 0;
        if (!TryParseSeconds(c.Args[index], out double seconds))
        {
            c.Reply.WriteError(NotAFloat);
            return false;
        }
        // The cast truncates toward zero: -0.0001 s is 0 ms, which waits forever, as in Redis.
        double ms = Math.Truncate(seconds * 1000.0);
        if (double.IsNaN(ms) || ms < 0 || ms >= 9.2233720368547758E18)
        {
            c.Reply.WriteError(Negative);
            return false;
        }
        milliseconds = (long)ms;
        return true;
    }

    /// <summary>Redis's string2ld: strtold's forms (decimal, hex, inf), no leading space, no NaN, the whole text used.</summary>
    private static bool TryParseSeconds(ReadOnlySpan<byte> text, out double seconds)
    {
        seconds = 0;
        if (!LongDouble.TryParse(text, out LongDouble value))
        {
            return false;
        }
        seconds = value.ToDouble();
        return !double.IsNaN(seconds);
    }
}
