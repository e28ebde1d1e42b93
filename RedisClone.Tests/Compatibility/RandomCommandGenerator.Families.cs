namespace RedisClone.Tests.Compatibility;

/// <summary>The four collection families' commands, each with its options chosen at random.</summary>
public sealed partial class RandomCommandGenerator
{
    private string Hash()
    {
        string key = Key(HashKeys);
        return _random.Next(17) switch
        {
            0 or 1 => $"HSET {key} {Pairs(1, 3)}",
            2 => $"HSETNX {key} {Member()} {Member()}",
            3 => $"HGET {key} {Member()}",
            4 => $"HMGET {key} {Members(1, 3)}",
            5 => $"HMSET {key} {Pairs(1, 2)}",
            6 => $"PAIRS HGETALL {key}",
            7 => $"HDEL {key} {Members(1, 3)}",
            8 => $"HLEN {key}",
            9 => $"HSTRLEN {key} {Member()}",
            10 => $"HEXISTS {key} {Member()}",
            11 => $"SORTED {Pick(["HKEYS", "HVALS"])} {key}",
            12 => $"HINCRBY {key} {Member()} {(Chance(10) ? Pick(BadNumbers) : Pick(["1", "-1", "5", "0", "9223372036854775807", "-9223372036854775808"]))}",
            13 => $"HINCRBYFLOAT {key} {Member()} {Score()}",
            14 => $"COUNT HRANDFIELD {key} {Count()}" + (Chance(50) ? " WITHVALUES" : ""),
            15 => Scan("HSCAN", key),
            _ => $"HSET {key} {Pairs(1, 2)}",
        };
    }

    private string List()
    {
        string key = Key(ListKeys);
        string side = Pick(["LEFT", "RIGHT"]);
        return _random.Next(18) switch
        {
            0 or 1 => $"{Pick(["LPUSH", "RPUSH"])} {key} {Members(1, 4)}",
            2 => $"{Pick(["LPUSHX", "RPUSHX"])} {key} {Members(1, 2)}",
            3 => $"{Pick(["LPOP", "RPOP"])} {key}" + (Chance(50) ? $" {Count()}" : ""),
            4 => $"LLEN {key}",
            5 or 6 => $"LRANGE {key} {Index()} {Index()}",
            7 => $"LINDEX {key} {Index()}",
            8 => $"LSET {key} {Index()} {Member()}",
            9 => $"LINSERT {key} {Pick(["BEFORE", "AFTER"])} {Member()} {Member()}",
            10 => $"LREM {key} {Pick(["0", "1", "2", "-1", "-2"])} {Member()}",
            11 => $"LTRIM {key} {Index()} {Index()}",
            12 => $"LPOS {key} {Member()}{LposOptions()}",
            13 => $"LMOVE {key} {Key(ListKeys)} {side} {Pick(["LEFT", "RIGHT"])}",
            14 => $"RPOPLPUSH {key} {Key(ListKeys)}",
            15 => $"LMPOP {KeyList(ListKeys)} {side}" + (Chance(60) ? $" COUNT {Count()}" : ""),
            _ => $"RPUSH {key} {Members(1, 3)}",
        };
    }

    private string LposOptions()
    {
        var options = new List<string>();
        foreach ((string name, string[] values) in (ValueTuple<string, string[]>[])
                 [("RANK", ["1", "2", "-1", "-2", "0"]), ("COUNT", ["0", "1", "2", "-1"]), ("MAXLEN", ["0", "1", "3", "-1"])])
        {
            if (Chance(40))
            {
                options.Add($" {name} {Pick(values)}");
            }
        }
        Shuffle(options);
        return string.Concat(options);
    }

    private string Set()
    {
        string key = Key(SetKeys);
        return _random.Next(17) switch
        {
            0 or 1 or 2 => $"SADD {key} {Members(1, 4)}",
            3 => $"SREM {key} {Members(1, 3)}",
            4 => $"SORTED SMEMBERS {key}",
            5 => $"SISMEMBER {key} {Member()}",
            6 => $"SMISMEMBER {key} {Members(1, 3)}",
            7 => $"SCARD {key}",
            8 => $"COUNT SRANDMEMBER {key} {Count()}",
            9 => $"SMOVE {key} {Key(SetKeys)} {Member()}",
            10 or 11 => $"SORTED {Pick(["SINTER", "SUNION", "SDIFF"])} {Keys(SetKeys)}",
            12 or 13 => $"{Pick(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"])} {Key(SetKeys)} {Keys(SetKeys)}",
            14 => $"SINTERCARD {KeyList(SetKeys)}" + (Chance(50) ? $" LIMIT {Pick(["0", "1", "2", "-1"])}" : ""),
            15 => Scan("SSCAN", key),
            _ => $"SADD {key} {Pick(["1", "2", "3", "10", "-1", "0", "100", "-100", "5", "6"])}",
        };
    }

    private string SortedSet()
    {
        string key = Key(SortedSetKeys);
        return _random.Next(27) switch
        {
            0 or 1 or 2 => $"ZADD {key}{ZaddOptions()} {ScoredMembers()}",
            3 => $"ZINCRBY {key} {Score()} {Member()}",
            4 => $"ZREM {key} {Members(1, 3)}",
            5 => $"ZCARD {key}",
            6 => $"ZSCORE {key} {Member()}",
            7 => $"ZMSCORE {key} {Members(1, 3)}",
            8 => $"{Pick(["ZRANK", "ZREVRANK"])} {key} {Member()}",
            9 => $"ZCOUNT {key} {Pick(ScoreBounds)} {Pick(ScoreBounds)}",
            10 => LexCommand(),
            11 or 12 => $"ZRANGE {key} {ZrangeArguments()}",
            13 => $"ZRANGESTORE {Key(SortedSetKeys)} {key} {ZrangeArguments(store: true)}",
            14 => $"ZREVRANGE {key} {Index()} {Index()}" + (Chance(50) ? " WITHSCORES" : ""),
            15 => $"{Pick(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"])} {key} {Pick(ScoreBounds)} {Pick(ScoreBounds)}" +
                  (Chance(40) ? " WITHSCORES" : "") + (Chance(40) ? $" LIMIT {Index()} {Count()}" : ""),
            16 => LexCommand(),
            17 => $"ZREMRANGEBYRANK {key} {Index()} {Index()}",
            18 => $"ZREMRANGEBYSCORE {key} {Pick(ScoreBounds)} {Pick(ScoreBounds)}",
            19 => LexCommand(),
            20 => $"{Pick(["ZPOPMIN", "ZPOPMAX"])} {key}" + (Chance(50) ? $" {Count()}" : ""),
            21 => $"ZMPOP {KeyList(SortedSetKeys)} {Pick(["MIN", "MAX"])}" + (Chance(60) ? $" COUNT {Count()}" : ""),
            22 => $"COUNT ZRANDMEMBER {key} {Count()}" + (Chance(50) ? " WITHSCORES" : ""),
            23 => ZSetAlgebra(),
            24 => ZSetAlgebraStore(),
            25 => Scan("ZSCAN", key),
            _ => $"ZINTERCARD {KeyList(SortedSetKeys)}" + (Chance(50) ? $" LIMIT {Pick(["0", "1", "2", "-1"])}" : ""),
        };
    }

    /// <summary>Any subset of ZADD's flags in any order: legal and illegal combinations alike.</summary>
    private string ZaddOptions()
    {
        var options = new List<string>();
        foreach (string flag in (string[])["NX", "XX", "GT", "LT", "CH", "INCR"])
        {
            if (Chance(flag is "CH" or "INCR" ? 25 : 15))
            {
                options.Add(Chance(80) ? flag : flag.ToLowerInvariant());
            }
        }
        Shuffle(options);
        return string.Concat(options.Select(o => " " + o));
    }

    private string ScoredMembers() =>
        string.Join(' ', Enumerable.Range(0, _random.Next(1, 4)).Select(_ => $"{Score()} {Member()}"));

    /// <summary>
    /// A lex-range command, always on <see cref="LexKey"/>: on members with different scores Redis's lex ranges are
    /// unspecified and, over a skiplist, depend on its random levels, and any other key may hold such a sorted set.
    /// Now and then the key is made a string or removed, for WRONGTYPE and the missing key.
    /// </summary>
    private string LexCommand()
    {
        string key = LexKey;
        string range = $"{Pick(LexBounds)} {Pick(LexBounds)}";
        return _random.Next(9) switch
        {
            8 => Chance(50) ? $"SET {key} {Member()}" : $"DEL {key}",
            0 or 1 => $"ZADD {key}{Pick(["", " NX", " XX", " CH", " GT CH", " INCR"])} {string.Join(' ', Enumerable.Range(0, _random.Next(1, 4)).Select(_ => "0 " + Member()))}",
            2 => $"ZLEXCOUNT {key} {range}",
            3 => $"{Pick(["ZRANGEBYLEX", "ZREVRANGEBYLEX"])} {key} {range}" + (Chance(40) ? $" LIMIT {Index()} {Count()}" : ""),
            4 => $"ZRANGE {key} {range} BYLEX" + (Chance(40) ? " REV" : "") + (Chance(30) ? $" LIMIT {Index()} {Count()}" : ""),
            5 => $"ZRANGESTORE {Key(SortedSetKeys)} {key} {range} BYLEX" + (Chance(40) ? " REV" : "") + (Chance(30) ? $" LIMIT {Index()} {Count()}" : ""),
            6 => $"ZREMRANGEBYLEX {key} {range}",
            _ => $"{Pick(["ZREM", "ZMSCORE"])} {key} {Members(1, 3)}",
        };
    }

    private string ZrangeArguments(bool store = false)
    {
        var words = new List<string>();
        switch (_random.Next(2))
        {
            case 0:
                words.Add(Index());
                words.Add(Index());
                break;
            case 1:
                words.Add(Pick(ScoreBounds));
                words.Add(Pick(ScoreBounds));
                words.Add("BYSCORE");
                break;
            default:
                words.Add(Pick(LexBounds));
                words.Add(Pick(LexBounds));
                words.Add("BYLEX");
                break;
        }
        if (Chance(40))
        {
            words.Add("REV");
        }
        if (Chance(30))
        {
            words.Add($"LIMIT {Index()} {Count()}");
        }
        if (!store && Chance(40))
        {
            words.Add("WITHSCORES");
        }
        return string.Join(' ', words);
    }

    private string ZSetAlgebra()
    {
        string command = Pick(["ZUNION", "ZINTER", "ZDIFF"]);
        string keys = KeyList(SortedSetKeys, out int count);
        string tail = command == "ZDIFF" ? "" : WeightsAndAggregate(count);
        return $"{command} {keys}{tail}" + (Chance(50) ? " WITHSCORES" : "");
    }

    private string ZSetAlgebraStore()
    {
        string command = Pick(["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"]);
        string destination = Key(SortedSetKeys);
        string keys = KeyList(SortedSetKeys, out int count);
        return $"{command} {destination} {keys}" + (command == "ZDIFFSTORE" ? "" : WeightsAndAggregate(count));
    }

    /// <summary>WEIGHTS, one per key (now and then one too few), and AGGREGATE.</summary>
    private string WeightsAndAggregate(int count)
    {
        string tail = "";
        if (Chance(40))
        {
            int weights = Chance(5) ? Math.Max(count - 1, 1) : count;
            tail += " WEIGHTS " + string.Join(' ', Enumerable.Range(0, weights).Select(_ => Pick(["1", "2", "-1", "0.5", "0", "inf", "-inf"])));
        }
        if (Chance(40))
        {
            tail += " AGGREGATE " + Pick(["SUM", "MIN", "MAX", "sum", "AVG"]);
        }
        return tail;
    }

    /// <summary>numkeys and the keys, for the commands that take a count first (LMPOP, SINTERCARD, ZUNION, ...).</summary>
    private string KeyList(string[] own) => KeyList(own, out _);

    private string KeyList(string[] own, out int count)
    {
        count = _random.Next(1, 4);
        string numkeys = Chance(4) ? Pick(["0", "-1", "x", "5"]) : count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return numkeys + " " + string.Join(' ', Enumerable.Range(0, count).Select(_ => Key(own)));
    }

    private string Keys(string[] own) => string.Join(' ', Enumerable.Range(0, _random.Next(1, 4)).Select(_ => Key(own)));

    private string Pairs(int min, int max) =>
        string.Join(' ', Enumerable.Range(0, _random.Next(min, max + 1)).Select(_ => $"{Member()} {Member()}"));

    private void Shuffle(List<string> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = _random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
