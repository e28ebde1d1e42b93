namespace RedisClone.Tests.Compatibility;

/// <summary>
/// From a seed, a sequence of collection and string commands in the <see cref="DifferentialScript"/> text format, for a randomized
/// differential run against redis-server. Few keys and a small alphabet, so that WRONGTYPE, missing keys, emptied keys,
/// type changes and member collisions happen often; small size limits (<see cref="LimitSettings"/>) so that encodings
/// convert with small data. What it leaves out, and why:
/// <list type="bullet">
/// <item>SPOP, SRANDMEMBER/HRANDFIELD/ZRANDMEMBER without a count: a random member, or a random change of state, that
/// no other server can reproduce. With a count they are compared by type and length only (COUNT).</item>
/// <item>SSCAN, HSCAN, ZSCAN with a cursor other than 0 or a small COUNT: over a hashtable, where a scan stops and
/// its next cursor follow Redis's hash order. They run from cursor 0 with a COUNT that ends them in one call, elements
/// compared in any order (SCANSORTED, SCANPAIRS).</item>
/// <item>The blocking commands: they would block on an empty key.</item>
/// <item>Relative expiry (EX, PX, SETEX, EXPIRE): the servers run the script one after the other, so a TTL would be
/// read at different moments; absolute EXAT and PXAT instead, and relative forms only with refused values.</item>
/// <item>Lex ranges over members with different scores (unspecified in Redis, and over a skiplist dependent on its
/// random levels): lex commands use a key of their own, written with score 0 only.</item>
/// </list>
/// </summary>
public sealed partial class RandomCommandGenerator
{
    /// <summary>
    /// Size settings small enough that a handful of members converts an encoding, chosen per seed (0 and 1 included:
    /// a collection converted by its first member). redis-server 7.0 has no set-max-listpack-entries: a set is an
    /// intset or a hashtable.
    /// </summary>
    private static readonly string[] LimitSettings = ["hash-max-listpack-entries", "set-max-intset-entries", "zset-max-listpack-entries"];
    private static readonly string[] LimitValues = ["0", "1", "2", "4", "4", "4", "8"];
    private static readonly string[] ListNodeSizes = ["1", "2", "4", "4", "-1"];

    // Mostly the default 64 (the long member converts), now and then short enough that most members do.
    private static readonly string[] ValueLimitSettings = ["hash-max-listpack-value", "zset-max-listpack-value"];

    /// <summary>The defaults both servers start with, restored after a run (the fixture is shared with other tests).</summary>
    public static readonly string[][] Defaults =
    [
        ["CONFIG", "SET", "hash-max-listpack-entries", "512"],
        ["CONFIG", "SET", "set-max-intset-entries", "512"],
        ["CONFIG", "SET", "zset-max-listpack-entries", "128"],
        ["CONFIG", "SET", "list-max-listpack-size", "-2"],
        ["CONFIG", "SET", "list-compress-depth", "0"],
        ["CONFIG", "SET", "hash-max-listpack-value", "64"],
        ["CONFIG", "SET", "zset-max-listpack-value", "64"],
    ];

    private static readonly string[] HashKeys = ["h1", "h2"];
    private static readonly string[] ListKeys = ["l1", "l2"];
    private static readonly string[] SetKeys = ["s1", "s2"];
    private static readonly string[] SortedSetKeys = ["z1", "z2"];

    // Written only with score 0 and read only by lex ranges: no other command's key list names it.
    private const string LexKey = "zlex";

    // Any type lands here: the shared names are where WRONGTYPE and type changes come from.
    private static readonly string[] SharedKeys = ["k1", "k2", "missing"];

    // Integers (an intset, Redis's integer listpack entries), negatives, floats and "" collide with each other on purpose.
    private static readonly string[] Alphabet = ["a", "b", "c", "d", "e", "1", "2", "3", "-1", "10", "1.5", "-2.5", "0", "\"\""];

    // Now and then: the ends of a 64-bit integer and past them, and numbers that look like integers but are not.
    private static readonly string[] EdgeMembers = ["9223372036854775807", "-9223372036854775808", "9223372036854775808", "-0", "+1", "01", "1e308", "-1e308"];

    // Longer than the 64-byte listpack value limit: converts a hash or a sorted set.
    private static readonly string LongMember = new('x', 65);

    private static readonly string[] Scores = ["0", "1", "2", "3", "-1", "1.5", "-2.5", "10", "1e3", "-inf", "+inf", "0.1", "3.0", "-0", "1e308", "-1e308", "5e-324"];
    private static readonly string[] BadNumbers = ["x", "nan", "\"\"", "1.5.5", "99999999999999999999", "0x10", "1e", "inf"];
    private static readonly string[] ScoreBounds = ["-inf", "+inf", "0", "1", "(1", "2", "(2", "1.5", "(-1", "10", "(10", "-1"];
    private static readonly string[] LexBounds = ["-", "+", "[a", "(a", "[b", "(c", "[d", "(e", "[1", "(2", "[", "[\"\""];
    private static readonly string[] Indexes = ["0", "1", "2", "-1", "-2", "-3", "3", "5", "-10", "100"];

    private readonly Random _random;

    public RandomCommandGenerator(int seed) => _random = new Random(seed);

    /// <summary>CONFIG SET of the seed's size limits, then <paramref name="count"/> random commands.</summary>
    public List<string> Script(int count)
    {
        var lines = new List<string>();
        foreach (string setting in LimitSettings)
        {
            lines.Add($"CONFIG SET {setting} {Pick(LimitValues)}");
        }
        lines.Add($"CONFIG SET list-max-listpack-size {Pick(ListNodeSizes)}");
        lines.Add($"CONFIG SET list-compress-depth {Pick(["0", "0", "1", "2"])}");
        foreach (string setting in ValueLimitSettings)
        {
            lines.Add($"CONFIG SET {setting} {Pick(["64", "64", "64", "3", "0"])}");
        }
        for (int i = 0; i < count; i++)
        {
            if (Chance(2))
            {
                i += Transaction(lines);
            }
            else
            {
                lines.Add(Next());
            }
        }
        return lines;
    }

    /// <summary>
    /// MULTI, a few commands, EXEC (now and then DISCARD): queued replies, EXECABORT after a queued error, and EXEC's
    /// array of replies. Only commands compared byte for byte: EXEC's reply nests theirs, where SORTED does not reach.
    /// </summary>
    private int Transaction(List<string> lines)
    {
        lines.Add("MULTI");
        int queued = _random.Next(1, 5);
        for (int i = 0; i < queued; i++)
        {
            string line;
            do
            {
                line = Next();
            }
            while (line.Split(' ')[0] is "SORTED" or "PAIRS" or "COUNT" or "SCANSORTED" or "SCANPAIRS");
            lines.Add(line);
        }
        lines.Add(Chance(10) ? "DISCARD" : "EXEC");
        return queued + 1;
    }

    private string Next()
    {
        string line = _random.Next(100) switch
        {
            < 18 => Hash(),
            < 36 => List(),
            < 54 => Set(),
            < 76 => SortedSet(),
            < 90 => Strings(),
            _ => Generic(),
        };
        // A broken ZADD on the lex key could give it a second score (see LexCommand).
        return _random.Next(100) < 6 && !line.StartsWith($"ZADD {LexKey}", StringComparison.Ordinal) ? Break(line) : line;
    }

    /// <summary>A wrong arity, a bad number or a bad keyword in an otherwise legal command, for the error texts.</summary>
    private string Break(string line)
    {
        string prefix = "";
        foreach (string mode in (string[])["SORTED ", "PAIRS ", "COUNT ", "SCANSORTED ", "SCANPAIRS "])
        {
            if (line.StartsWith(mode, StringComparison.Ordinal))
            {
                prefix = mode;
                line = line[mode.Length..];
            }
        }
        var words = new List<string>(line.Split(' '));
        switch (_random.Next(4))
        {
            // Without its count, a COUNT command's reply would be one random member.
            case 0 when words.Count > 1 && prefix != "COUNT ":
                words.RemoveAt(words.Count - 1);
                break;
            case 1:
                words.Add(Pick(Alphabet));
                break;
            case 2 when words.Count > 2:
                words[_random.Next(2, words.Count)] = Pick(BadNumbers);
                break;
            default:
                words.Insert(_random.Next(1, words.Count + 1), Pick(["BOGUS", "LIMIT", "WITHSCORES", "COUNT", "REV"]));
                break;
        }
        return prefix + string.Join(' ', words);
    }

    private string Generic()
    {
        string key = AnyKey();
        return _random.Next(11) switch
        {
            0 => $"TYPE {key}",
            1 => $"EXISTS {key} {AnyKey()}",
            2 => $"DEL {key}",
            3 => $"OBJECT ENCODING {key}",
            4 => $"COPY {key} {AnyKey()}" + (Chance(50) ? " REPLACE" : ""),
            5 => $"RENAME {key} {AnyKey()}",
            6 => $"RENAMENX {key} {AnyKey()}",
            7 => $"SET {Pick(SharedKeys)} {Member()}",
            8 => $"OBJECT ENCODING {key}",
            9 => $"TYPE {key}",
            _ => $"DBSIZE",
        };
    }

    /// <summary>Mostly a key of the family's own, sometimes any key (another type, a string, a missing one).</summary>
    private string Key(string[] own) => Chance(80) ? Pick(own) : AnyKey();

    private string AnyKey() => _random.Next(6) switch
    {
        0 => Pick(HashKeys),
        1 => Pick(ListKeys),
        2 => Pick(SetKeys),
        3 => Pick(SortedSetKeys),
        4 => Pick(StringKeys),
        _ => Pick(SharedKeys),
    };

    private string Member() => _random.Next(100) switch
    {
        < 2 => LongMember,
        < 5 => Pick(EdgeMembers),
        // A wider range now and then, so that some collections grow past a few dozen members (quicklists of many
        // nodes, deep skiplists, ranks and LIMIT far from the ends).
        < 15 => _random.Next(100, 160).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => Pick(Alphabet),
    };

    private string Members(int min, int max) => string.Join(' ', Enumerable.Range(0, _random.Next(min, max + 1)).Select(_ => Member()));

    private string Score() => Chance(3) ? Pick(BadNumbers) : Pick(Scores);

    private string Index() => Pick(Indexes);

    private string Count() => Pick(["0", "1", "2", "3", "5", "-1", "-3", "100"]);

    /// <summary>A scan from cursor 0 that ends in one call (the elements in any order), or one with a bad cursor.</summary>
    private string Scan(string command, string key)
    {
        // Not -1: Redis reads it as the largest cursor, which over a hashtable starts in a bucket of its hash order.
        string cursor = Chance(5) ? Pick(["x", "1.5", "18446744073709551616"]) : "0";
        string match = Chance(50) ? " MATCH " + Pick(["*", "a*", "?", "[0-9]*", "-*", "*5", "[a-c]", "\"\""]) : "";
        string prefix = command == "SSCAN" ? "SCANSORTED" : "SCANPAIRS";
        return $"{prefix} {command} {key} {cursor}{match} COUNT 1000";
    }

    private bool Chance(int percent) => _random.Next(100) < percent;

    private string Pick(string[] choices) => choices[_random.Next(choices.Length)];
}
