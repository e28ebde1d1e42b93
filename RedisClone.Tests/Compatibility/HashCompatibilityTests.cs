using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Compatibility;

/// <summary>
/// The hash family against redis-server 7.0, under RESP2 and RESP3: replies byte for byte, except a hashtable-encoded
/// hash's whole-hash replies, which are compared as multisets (SORTED, PAIRS: Redis's hash order is its own).
/// </summary>
public sealed class HashCompatibilityTests(DifferentialFixture fixture) : DifferentialTestBase(fixture)
{
    private static readonly string LongText = new('x', 65);
    private static readonly string MaxText = new('y', 64);

    private static readonly Dictionary<string, string> Scripts = new()
    {
        ["hset-hget-basics"] = """
            HSET h f v
            HGET h f
            HGET h missing
            HGET nokey f
            HSET h f v2 g w
            HGET h f
            HLEN h
            HLEN nokey
            HSET h "" ""
            HGET h ""
            HSTRLEN h f
            HSTRLEN h missing
            HSTRLEN nokey f
            HEXISTS h f
            HEXISTS h missing
            HEXISTS nokey f
            HGETALL h
            HKEYS h
            HVALS h
            HGETALL nokey
            HKEYS nokey
            HVALS nokey
            TYPE h
            OBJECT ENCODING h
            """,
        // A listpack hash keeps insertion order, an overwrite keeps the field's place, a delete closes the gap.
        ["listpack-order"] = """
            HSET h c 3 a 1 b 2
            HGETALL h
            HSET h a 111111
            HGETALL h
            HSET h a 1
            HDEL h c
            HSET h c 33
            HGETALL h
            HKEYS h
            HVALS h
            HSCAN h 0
            HSCAN h 12345
            HSCAN h 0 COUNT 1
            HSCAN h 0 MATCH ?
            HSCAN h 0 MATCH a*
            HSCAN h 0 match c COUNT 100
            HRANDFIELD h 3
            HRANDFIELD h 10 WITHVALUES
            HRANDFIELD h 3 withvalues
            """,
        ["hsetnx-hmset-hmget"] = """
            HSETNX h f v
            HSETNX h f w
            HGET h f
            HMSET h a 1 b 2
            HMGET h a b missing f
            HMGET nokey a b
            HMSET h a
            HMSET h
            HSET h a
            HSET h a 1 b
            HMGET h
            HSETNX h f
            """,
        ["hdel-removes-empty-key"] = """
            HSET h a 1 b 2
            HDEL h a missing a
            EXISTS h
            HDEL h b c
            EXISTS h
            HDEL h b
            HDEL nokey a
            HSET h a 1
            HDEL h a a a
            TYPE h
            """,
        ["hincrby"] = """
            HINCRBY h n 5
            HINCRBY h n -3
            HGET h n
            HINCRBY h n 0
            HINCRBY h n x
            HINCRBY h n 1.5
            HINCRBY h n " 1"
            HINCRBY h n 9223372036854775807
            HSET h big 9223372036854775807 small -9223372036854775808 s abc f 1.5 z 01
            HINCRBY h big 1
            HINCRBY h small -1
            HINCRBY h big -1
            HINCRBY h s 1
            HINCRBY h f 1
            HINCRBY h z 1
            HINCRBY h n 9223372036854775808
            HINCRBY h n -9223372036854775808
            HINCRBY h n -9223372036854775807
            HGETALL h
            """,
        ["hincrbyfloat"] = """
            HINCRBYFLOAT h f 1.5
            HINCRBYFLOAT h f 0.1
            HINCRBYFLOAT h f -1.6
            HINCRBYFLOAT h f 1e3
            HINCRBYFLOAT h f 5.0e3
            HINCRBYFLOAT h f 1.23456789012345678
            HINCRBYFLOAT h f 3
            HINCRBYFLOAT h g 10
            HINCRBYFLOAT h g -10
            HINCRBYFLOAT h f x
            HINCRBYFLOAT h f inf
            HINCRBYFLOAT h f -inf
            HINCRBYFLOAT h f nan
            HINCRBYFLOAT h f ""
            HINCRBYFLOAT h f " 1"
            HSET h s abc i 7 big 1e4932
            HINCRBYFLOAT h s 1
            HINCRBYFLOAT h i 0.5
            HINCRBYFLOAT h big 1e4932
            HINCRBYFLOAT h x 0x10
            HINCRBYFLOAT h y 1e300
            OBJECT ENCODING h
            PAIRS HGETALL h
            """,
        ["wrong-type"] = """
            SET str v
            HSET str f v
            HSETNX str f v
            HMSET str f v
            HGET str f
            HMGET str f
            HGETALL str
            HKEYS str
            HVALS str
            HDEL str f
            HLEN str
            HSTRLEN str f
            HEXISTS str f
            HINCRBY str f 1
            HINCRBYFLOAT str f 1
            HINCRBY str f x
            HINCRBYFLOAT str f x
            HRANDFIELD str
            HRANDFIELD str 2
            HSCAN str 0
            HSCAN str x
            HSET h f v
            GET h
            APPEND h x
            INCR h
            """,
        ["hrandfield-counts"] = """
            HRANDFIELD nokey
            HRANDFIELD nokey 5
            HRANDFIELD nokey -5 WITHVALUES
            HSET h a 1
            HRANDFIELD h
            HRANDFIELD h 1
            HRANDFIELD h -3
            HRANDFIELD h -3 WITHVALUES
            HRANDFIELD h 1 WITHVALUES
            HRANDFIELD h 0
            HRANDFIELD h 0 WITHVALUES
            HRANDFIELD h 5
            HRANDFIELD h x
            HRANDFIELD h 1.5
            HRANDFIELD h 1 WITHSCORES
            HRANDFIELD h 1 WITHVALUES extra
            HRANDFIELD h -9223372036854775808
            HRANDFIELD h 9223372036854775807
            HRANDFIELD h -9223372036854775807 WITHVALUES
            HRANDFIELD h 4611686018427387904 WITHVALUES
            HRANDFIELD h -4611686018427387904 WITHVALUES
            HRANDFIELD h 9223372036854775808
            """,
        ["hscan-arguments"] = """
            HSCAN nokey 0
            HSCAN nokey 0 BADOPTION
            HSCAN nokey x
            HSET h a 1
            HSCAN h x
            HSCAN h -1
            HSCAN h 18446744073709551615
            HSCAN h 18446744073709551616
            HSCAN h 0 COUNT 0
            HSCAN h 0 COUNT -1
            HSCAN h 0 COUNT x
            HSCAN h 0 COUNT
            HSCAN h 0 MATCH
            HSCAN h 0 TYPE hash
            HSCAN h 0 NOVALUES
            """,
        ["wrong-arity"] = """
            HSET
            HSET h
            HSET h f
            HSETNX h f
            HGET h
            HMGET h
            HGETALL
            HGETALL h extra
            HDEL h
            HLEN
            HSTRLEN h
            HEXISTS h
            HKEYS
            HVALS h x
            HINCRBY h f
            HINCRBYFLOAT h f
            HRANDFIELD
            HSCAN h
            """,
        ["transactions-and-keys"] = """
            MULTI
            HSET h a 1 b 2
            HINCRBY h a 10
            HGETALL h
            HDEL h a b
            EXISTS h
            EXEC
            HSET h a 1
            WATCH h
            @2 HSET h a 1
            MULTI
            HGET h a
            EXEC
            WATCH h
            @2 HSET h b 2
            MULTI
            HGET h a
            EXEC
            WATCH h
            @2 HDEL h nosuch
            MULTI
            HLEN h
            EXEC
            COPY h h2
            HSET h2 a changed
            HGET h a
            HGET h2 a
            RENAME h2 h3
            HGETALL h3
            EXPIRE h3 100
            HSET h3 c 3
            TTL h3
            HDEL h3 a b c
            TTL h3
            MOVE h 1
            SELECT 1
            HGETALL h
            TYPE h
            SELECT 0
            SCAN 0 TYPE hash
            SET s v
            SCAN 0 TYPE string
            """,
    };

    static HashCompatibilityTests()
    {
        Scripts["encoding-thresholds-entries"] = EntriesThresholds();
        Scripts["encoding-thresholds-value-length"] = $"""
            HSET h f {MaxText}
            OBJECT ENCODING h
            HSET h {MaxText} v
            OBJECT ENCODING h
            HSET h f {LongText}
            OBJECT ENCODING h
            HSET h f short
            OBJECT ENCODING h
            HSET k {LongText} v
            OBJECT ENCODING k
            HSET n a 1
            HSETNX n a {LongText}
            OBJECT ENCODING n
            HSETNX n b {LongText}
            OBJECT ENCODING n
            HSET m a 1
            HINCRBY m {LongText} 1
            OBJECT ENCODING m
            HSET p a 1
            HINCRBYFLOAT p a 1e300
            OBJECT ENCODING p
            PAIRS HGETALL p
            HSET q a 1
            HDEL q a
            EXISTS q
            CONFIG SET hash-max-listpack-value 3
            HSET r abc abc
            OBJECT ENCODING r
            HSET r abcd 1
            OBJECT ENCODING r
            CONFIG SET hash-max-ziplist-value 64
            CONFIG GET hash-max-listpack-value
            """;
        Scripts["hashtable-replies"] = HashtableReplies();
    }

    /// <summary>hash-max-listpack-entries at the default and at a small setting: just under, at and over.</summary>
    private static string EntriesThresholds()
    {
        var lines = new List<string>();
        lines.Add("CONFIG GET hash-max-listpack-entries");
        for (int i = 1; i <= 512; i++)
        {
            lines.Add($"HSET big f{i} {i}");
        }
        lines.Add("OBJECT ENCODING big");
        lines.Add("HLEN big");
        lines.Add("HSET big f1 again");
        lines.Add("OBJECT ENCODING big");
        lines.Add("HSET big f513 513");
        lines.Add("OBJECT ENCODING big");
        lines.Add("HDEL big f513 f512 f511");
        lines.Add("OBJECT ENCODING big");
        lines.Add("CONFIG SET hash-max-listpack-entries 2");
        lines.Add("HSET s a 1 b 2");
        lines.Add("OBJECT ENCODING s");
        lines.Add("HSET s c 3");
        lines.Add("OBJECT ENCODING s");
        lines.Add("HSET t a 1 b 2 c 3");
        lines.Add("OBJECT ENCODING t");
        lines.Add("CONFIG SET hash-max-listpack-entries 0");
        lines.Add("HSET u a 1");
        lines.Add("OBJECT ENCODING u");
        lines.Add("CONFIG SET hash-max-listpack-entries 512");
        lines.Add("HSET v a 1");
        lines.Add("COPY s s2");
        lines.Add("OBJECT ENCODING s2");
        lines.Add("COPY v v2");
        lines.Add("OBJECT ENCODING v2");
        return string.Join('\n', lines);
    }

    /// <summary>A hashtable-encoded hash: whole-hash replies compared as multisets, the rest exactly.</summary>
    private static string HashtableReplies()
    {
        var lines = new List<string>();
        var pairs = string.Join(' ', Enumerable.Range(0, 600).Select(i => $"field:{i} value:{i * 7}"));
        lines.Add($"HSET h {pairs}");
        lines.Add("OBJECT ENCODING h");
        lines.Add("HLEN h");
        lines.Add("HGET h field:199");
        lines.Add("HMGET h field:0 field:100 nope");
        lines.Add("PAIRS HGETALL h");
        lines.Add("SORTED HKEYS h");
        lines.Add("SORTED HVALS h");
        lines.Add("PAIRS HRANDFIELD h 600 WITHVALUES");
        lines.Add("PAIRS HRANDFIELD h 1000 WITHVALUES");
        lines.Add("COUNT HRANDFIELD h 500");
        lines.Add("COUNT HRANDFIELD h -700 WITHVALUES");
        lines.Add("HDEL h " + string.Join(' ', Enumerable.Range(0, 590).Select(i => $"field:{i}")));
        lines.Add("OBJECT ENCODING h");
        lines.Add("PAIRS HGETALL h");
        lines.Add("HINCRBY h field:595 5");
        lines.Add("HINCRBYFLOAT h field:596 0.5");
        lines.Add("HSET h field:597 " + new string('z', 300));
        lines.Add("HGET h field:597");
        lines.Add("HSTRLEN h field:597");
        lines.Add("PAIRS HGETALL h");
        lines.Add("HDEL h " + string.Join(' ', Enumerable.Range(590, 10).Select(i => $"field:{i}")));
        lines.Add("EXISTS h");
        return string.Join('\n', lines);
    }

    public static TheoryData<string, int> Cases
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (string name in Scripts.Keys)
            {
                data.Add(name, 2);
                data.Add(name, 3);
            }
            return data;
        }
    }

    [RequiresToolTheory("redis-server")]
    [MemberData(nameof(Cases))]
    public void Replies_match_redis(string script, int protocol) =>
        AssertSameReplies((protocol == 3 ? "HELLO 3\n" : "") + Scripts[script]);

    private static readonly string[][] NotifiedCommands =
    [
        ["HSET", "h", "a", "1", "b", "2"], ["HSETNX", "h", "a", "x"], ["HSETNX", "h", "c", "3"], ["HMSET", "h", "d", "4"],
        ["HINCRBY", "h", "n", "1"], ["HINCRBYFLOAT", "h", "f", "1.5"], ["HINCRBY", "h", "a", "x"], ["HDEL", "h", "missing"],
        ["HDEL", "h", "a", "b"], ["HDEL", "h", "c", "d", "n", "f"], ["HSET", "t", "a", "1"], ["EXPIRE", "t", "100"],
        ["RENAME", "t", "t2"], ["COPY", "t2", "t3"], ["HDEL", "t3", "a"], ["HINCRBY", "new", "x", "1"],
    ];

    [RequiresToolTheory("redis-server")]
    [InlineData("KEA")]
    [InlineData("Kh")]
    [InlineData("Eg")]
    [InlineData("KEAn")]
    public void The_same_commands_publish_the_same_events(string flags)
    {
        Assert.True(Fixture.Redis.Available, "redis-server is not running:\n" + Fixture.Redis.Log);
        List<string> expected = KeyspaceNotificationCompatibilityTests.Record(Fixture.Redis.Port, flags, NotifiedCommands);
        List<string> actual = KeyspaceNotificationCompatibilityTests.Record(Fixture.Node.Port, flags, NotifiedCommands);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }
}
