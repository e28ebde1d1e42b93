namespace RedisClone.Tests.Compatibility;

/// <summary>
/// The string family with its options chosen at random. Expiry is absolute only (EXAT, PXAT): the two servers run the
/// script one after the other, so a relative TTL would be read at different moments; relative forms appear only with
/// values that are refused (EX 0, PX -1, EX x), which change nothing.
/// </summary>
public sealed partial class RandomCommandGenerator
{
    private static readonly string[] StringKeys = ["t1", "t2"];
    private static readonly string[] FutureExpiries = ["EXAT 4000000000", "PXAT 4000000000123", "EXAT 4000000001"];

    // A past time deletes the key at once in GETEX and EXPIREAT on both servers. SET leaves it out: Redis 7.0 stores
    // the key already expired, and DBSIZE counts it until Redis's active expiry happens to reclaim it.
    private static readonly string[] AbsoluteExpiries = [.. FutureExpiries, "EXAT 1", "PXAT 1"];
    // No bare "EX": a broken command may get a number appended (Break), which would make it a relative expiry.
    private static readonly string[] RefusedExpiries = ["EX 0", "PX -1", "EX x", "PX 9223372036854775807", "EXAT 0"];
    // 536870912 is just past the 512 MB limit (refused); an offset just under it would make a 512 MB string on both.
    private static readonly string[] Offsets = ["0", "1", "3", "10", "-1", "536870912", "x"];
    private static readonly string[] Increments = ["1", "-1", "5", "0", "100", "9223372036854775807", "-9223372036854775808", "99999999999999999999"];

    private string Strings()
    {
        string key = Key(StringKeys);
        return _random.Next(20) switch
        {
            0 or 1 or 2 => $"SET {key} {Value()}{SetOptions()}",
            3 => $"GET {key}",
            4 => $"{Pick(["SETNX", "GETSET"])} {key} {Value()}",
            5 => $"GETDEL {key}",
            6 => $"GETEX {key}" + (Chance(70) ? " " + Pick([.. AbsoluteExpiries, .. RefusedExpiries, "PERSIST", "PERSIST EXAT 1"]) : ""),
            7 => $"MSET {key} {Value()} {Key(StringKeys)} {Value()}",
            8 => $"MSETNX {key} {Value()} {Key(StringKeys)} {Value()}",
            9 => $"MGET {key} {AnyKey()} {Key(StringKeys)}",
            10 => $"APPEND {key} {Value()}",
            11 => $"STRLEN {key}",
            12 => $"GETRANGE {key} {Index()} {Index()}",
            13 => $"SETRANGE {key} {Pick(Offsets)} {Value()}",
            14 => $"{Pick(["INCR", "DECR"])} {key}",
            15 => $"{Pick(["INCRBY", "DECRBY"])} {key} {Pick(Increments)}",
            16 => $"INCRBYFLOAT {key} {Score()}",
            17 => $"{Pick(["EXPIRETIME", "PEXPIRETIME"])} {key}",
            18 => $"{Pick(["PERSIST", "OBJECT ENCODING"])} {key}",
            _ => $"{Pick(["EXPIREAT", "PEXPIREAT"])} {key} {Pick(["4000000000", "1", "-1", "4000000000000"])}" + (Chance(40) ? " " + Pick(["NX", "XX", "GT", "LT", "NX XX"]) : ""),
        };
    }

    /// <summary>A member, or a number now and then, so INCR finds integers and OBJECT ENCODING says int.</summary>
    private string Value() => Chance(25) ? Pick(Increments) : Member();

    private string SetOptions()
    {
        var options = new List<string>();
        if (Chance(30))
        {
            options.Add(Pick(["NX", "XX", "NX XX"]));
        }
        if (Chance(25))
        {
            options.Add("GET");
        }
        if (Chance(40))
        {
            options.Add(_random.Next(10) switch
            {
                < 6 => Pick(FutureExpiries),
                < 8 => "KEEPTTL",
                8 => Pick(RefusedExpiries),
                _ => "KEEPTTL " + Pick(FutureExpiries),
            });
        }
        return options.Count == 0 ? "" : " " + string.Join(' ', options.OrderBy(_ => _random.Next()));
    }
}
