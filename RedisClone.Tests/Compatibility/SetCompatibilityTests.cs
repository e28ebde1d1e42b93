using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Compatibility;

/// <summary>
/// The set family against redis-server 7.0, under RESP2 and RESP3: replies byte for byte (an intset answers in
/// ascending order on both), except a hashtable-encoded result, compared as a multiset (SORTED).
/// </summary>
public sealed class SetCompatibilityTests(DifferentialFixture fixture) : DifferentialTestBase(fixture)
{
    private static readonly Dictionary<string, string> Scripts = new()
    {
        ["sadd-srem-basics"] = """
            SADD s 3 1 2
            SADD s 2 3 4
            SMEMBERS s
            SCARD s
            SCARD nokey
            SISMEMBER s 1
            SISMEMBER s 9
            SISMEMBER s x
            SISMEMBER nokey 1
            SMISMEMBER s 1 9 x 4
            SMISMEMBER nokey 1 2
            SREM s 1 9
            SREM s x
            SREM nokey 1
            SMEMBERS s
            SMEMBERS nokey
            TYPE s
            OBJECT ENCODING s
            SREM s 2 3 4
            EXISTS s
            SADD t ""
            SMEMBERS t
            OBJECT ENCODING t
            """,
        // Which strings an intset takes: Redis's string2ll, canonical integers only.
        ["intset-members"] = """
            SADD a 9223372036854775807 -9223372036854775808 0 -1 100
            SMEMBERS a
            OBJECT ENCODING a
            SISMEMBER a 0100
            SISMEMBER a 100
            SISMEMBER a +100
            SADD b 01
            OBJECT ENCODING b
            SADD c -0
            OBJECT ENCODING c
            SADD d 9223372036854775808
            OBJECT ENCODING d
            SADD e " 1"
            OBJECT ENCODING e
            SADD f 1 2 3 abc
            OBJECT ENCODING f
            SREM f abc
            OBJECT ENCODING f
            SORTED SMEMBERS f
            SADD g 1.0
            OBJECT ENCODING g
            """,
        ["spop-srandmember"] = """
            SPOP nokey
            SPOP nokey 3
            SPOP nokey 0
            SRANDMEMBER nokey
            SRANDMEMBER nokey 3
            SRANDMEMBER nokey -3
            SADD s 5
            SRANDMEMBER s
            SRANDMEMBER s 1
            SRANDMEMBER s -4
            SRANDMEMBER s 0
            SRANDMEMBER s 10
            SRANDMEMBER s x
            SRANDMEMBER s -9223372036854775808
            SRANDMEMBER s 1 2
            SPOP s 1 2
            SPOP s -1
            SPOP s x
            SPOP s 0
            SPOP s
            EXISTS s
            SADD s 3 1 2
            SPOP s 3
            EXISTS s
            SADD s 3 1 2
            SPOP s 10
            SADD s 3 1 2 4 5
            SRANDMEMBER s 5
            SRANDMEMBER s 50
            SCARD s
            COUNT SPOP s 4
            SCARD s
            COUNT SRANDMEMBER s -7
            COUNT SRANDMEMBER s 1
            COUNT SPOP s 1
            EXISTS s
            SADD s a
            SPOP s
            SMEMBERS s
            """,
        ["smove"] = """
            SADD a 1 2 x
            SADD b 3
            SMOVE a b 1
            SMOVE a b 9
            SMOVE nokey b 1
            SORTED SMEMBERS a
            SMEMBERS b
            SMOVE a a x
            SMOVE a a 9
            SMOVE a b x
            OBJECT ENCODING b
            SMOVE a c 2
            EXISTS a
            SMEMBERS c
            OBJECT ENCODING c
            SET str v
            SMOVE str b 3
            SMOVE b str 3
            SMOVE nokey str 3
            SMOVE c d x
            SMOVE b b 3
            SADD m 1
            SADD n 1
            SMOVE m n 1
            EXISTS m
            SMEMBERS n
            """,
        ["algebra"] = """
            SADD a 1 2 3 4 5
            SADD b 4 5 6 7
            SADD c 5 7 9
            SINTER a b
            SINTER a b c
            SINTER a nokey
            SINTER nokey
            SINTER a
            SINTER a a
            SUNION a b c
            SUNION nokey
            SUNION a nokey
            SDIFF a b
            SDIFF a b c
            SDIFF nokey a
            SDIFF a nokey
            SDIFF a a
            SDIFF b a a
            SINTERCARD 2 a b
            SINTERCARD 3 a b c
            SINTERCARD 1 a LIMIT 3
            SINTERCARD 1 a LIMIT 0
            SINTERCARD 1 a limit 10
            SINTERCARD 2 a nokey
            SINTERCARD 1 a LIMIT 1 LIMIT 2
            SINTERCARD 0 a
            SINTERCARD -1 a
            SINTERCARD x a
            SINTERCARD 3 a b
            SINTERCARD 1 a LIMIT -1
            SINTERCARD 1 a LIMIT x
            SINTERCARD 1 a LIMIT
            SINTERCARD 1 a FOO 1
            SINTERCARD 2 a str
            """,
        ["algebra-store"] = """
            SADD a 1 2 3 x
            SADD b 2 3 4 x
            SINTERSTORE d a b
            SORTED SMEMBERS d
            OBJECT ENCODING d
            SINTERSTORE d2 a b 2
            SMEMBERS d2
            OBJECT ENCODING d2
            SUNIONSTORE u a b
            SCARD u
            OBJECT ENCODING u
            SDIFFSTORE f a b
            SMEMBERS f
            OBJECT ENCODING f
            SET str v
            EXPIRE str 100
            SINTERSTORE str a b
            TYPE str
            TTL str
            SINTERSTORE str a nokey
            EXISTS str
            SINTERSTORE str a nokey
            SUNIONSTORE e nokey
            EXISTS e
            SDIFFSTORE e a a
            EXISTS e
            SADD e 1
            SDIFFSTORE e a a
            EXISTS e
            SINTERSTORE a a
            SORTED SMEMBERS a
            SUNIONSTORE a a b
            SORTED SMEMBERS a
            SET s v
            SINTERSTORE d s a
            SUNIONSTORE d a s
            SDIFFSTORE d a s
            SINTER s
            SUNION a s
            SDIFF a s
            SDIFF nokey s
            """,
        ["sscan"] = """
            SSCAN nokey 0
            SSCAN nokey 0 BAD
            SSCAN nokey x
            SADD s 10 2 33
            SSCAN s 0
            SSCAN s 7
            SSCAN s 0 COUNT 1
            SSCAN s 0 MATCH 3*
            SSCAN s 0 MATCH ?
            SSCAN s x
            SSCAN s 0 COUNT 0
            SSCAN s 0 COUNT x
            SSCAN s 0 MATCH
            SSCAN s 0 TYPE set
            SET str v
            SSCAN str 0
            """,
        ["wrong-type"] = """
            SET str v
            SADD str a
            SREM str a
            SMEMBERS str
            SISMEMBER str a
            SMISMEMBER str a
            SCARD str
            SPOP str
            SPOP str 2
            SPOP str x
            SRANDMEMBER str
            SRANDMEMBER str 2
            SINTER str
            SUNION str
            SDIFF str
            SINTERSTORE d str
            SINTERCARD 1 str
            HSET h f v
            SADD h x
            SADD s 1
            GET s
            HGET s f
            """,
        ["wrong-arity"] = """
            SADD s
            SADD
            SREM s
            SMEMBERS
            SMEMBERS s x
            SISMEMBER s
            SISMEMBER s a b
            SMISMEMBER s
            SCARD
            SPOP
            SRANDMEMBER
            SMOVE a b
            SMOVE a b c d
            SINTER
            SINTERCARD 1
            SINTERSTORE d
            SUNION
            SUNIONSTORE d
            SDIFF
            SDIFFSTORE d
            SSCAN s
            """,
        ["transactions-and-keys"] = """
            MULTI
            SADD s 1 2 3
            SREM s 2
            SMEMBERS s
            SPOP s 5
            EXISTS s
            EXEC
            SADD s 1 2
            WATCH s
            @2 SADD s 1
            MULTI
            SCARD s
            EXEC
            WATCH s
            @2 SADD s 3
            MULTI
            SCARD s
            EXEC
            WATCH s
            @2 SREM s nosuch
            MULTI
            SCARD s
            EXEC
            WATCH d
            @2 SINTERSTORE d s s
            MULTI
            SCARD d
            EXEC
            COPY s s2
            SADD s2 99
            SMEMBERS s
            SMEMBERS s2
            RENAME s2 s3
            SMEMBERS s3
            EXPIRE s3 100
            SADD s3 100
            COUNT SPOP s3 1
            TTL s3
            MOVE s 1
            SELECT 1
            SMEMBERS s
            SELECT 0
            DEL d
            SCAN 0 TYPE set
            """,
    };

    static SetCompatibilityTests()
    {
        Scripts["encoding-thresholds"] = Thresholds();
        Scripts["hashtable-replies"] = HashtableReplies();
    }

    /// <summary>set-max-intset-entries at the default and small: just under, at and over; SPOP keeping few members.</summary>
    private static string Thresholds()
    {
        var lines = new List<string>
        {
            "SADD s " + string.Join(' ', Enumerable.Range(1, 511)),
            "OBJECT ENCODING s",
            "SADD s 512",
            "OBJECT ENCODING s",
            "SADD s 512",
            "OBJECT ENCODING s",
            "SADD s 513",
            "OBJECT ENCODING s",
            "SREM s " + string.Join(' ', Enumerable.Range(1, 500)),
            "OBJECT ENCODING s",
            "SORTED SMEMBERS s",
            "SADD big " + string.Join(' ', Enumerable.Range(1, 600)),
            "OBJECT ENCODING big",
            // Popping most of a set makes Redis build the rest anew: integers only, few enough, become an intset again.
            "COUNT SPOP big 590",
            "SCARD big",
            "OBJECT ENCODING big",
            "SADD mid " + string.Join(' ', Enumerable.Range(1, 600)),
            "COUNT SPOP mid 100",
            "OBJECT ENCODING mid",
            "SADD a " + string.Join(' ', Enumerable.Range(1, 600)),
            "SADD b " + string.Join(' ', Enumerable.Range(1, 500)),
            "SDIFFSTORE d a b",
            "OBJECT ENCODING d",
            "SDIFFSTORE d2 a b b b b",
            "OBJECT ENCODING d2",
            "SORTED SMEMBERS d2",
            "SINTERSTORE i a b",
            "OBJECT ENCODING i",
            "SUNIONSTORE u b",
            "OBJECT ENCODING u",
            "CONFIG SET set-max-intset-entries 2",
            "SADD t 1 2",
            "OBJECT ENCODING t",
            "SADD t 3",
            "OBJECT ENCODING t",
            "SADD v 1 2 3",
            "OBJECT ENCODING v",
            "SUNIONSTORE w t",
            "OBJECT ENCODING w",
            "COPY t t2",
            "OBJECT ENCODING t2",
            "CONFIG SET set-max-intset-entries 0",
            "SADD z 1",
            "OBJECT ENCODING z",
            "CONFIG SET set-max-intset-entries 512",
        };
        return string.Join('\n', lines);
    }

    private static string HashtableReplies()
    {
        string members = string.Join(' ', Enumerable.Range(0, 300).Select(i => $"member:{i}"));
        string others = string.Join(' ', Enumerable.Range(150, 300).Select(i => $"member:{i}"));
        return $"""
            SADD s {members}
            SADD t {others}
            OBJECT ENCODING s
            SCARD s
            SORTED SMEMBERS s
            SORTED SINTER s t
            SINTERCARD 2 s t
            SINTERCARD 2 s t LIMIT 7
            SORTED SUNION s t
            SORTED SDIFF s t
            SORTED SDIFF t s
            SINTERSTORE i s t
            SUNIONSTORE u s t
            SDIFFSTORE d s t
            OBJECT ENCODING i
            SORTED SMEMBERS d
            SORTED SRANDMEMBER s 300
            SORTED SRANDMEMBER s 1000
            SORTED SPOP d 150
            EXISTS d
            SMISMEMBER s member:0 member:299 member:300
            SREM s {members}
            EXISTS s
            """;
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
        ["SADD", "s", "1", "2", "3"], ["SADD", "s", "1"], ["SREM", "s", "9"], ["SREM", "s", "1"], ["SPOP", "s"],
        ["SADD", "t", "a", "b", "c", "d"], ["SPOP", "t", "2"], ["SPOP", "t", "0"], ["SPOP", "t", "5"], ["SADD", "a", "1", "2"],
        ["SMOVE", "a", "b", "1"], ["SMOVE", "a", "b", "2"], ["SMOVE", "b", "b", "1"], ["SMOVE", "b", "c", "9"],
        ["SADD", "x", "1", "2"], ["SADD", "y", "2", "3"], ["SINTERSTORE", "d", "x", "y"], ["SUNIONSTORE", "d", "x", "y"],
        ["SDIFFSTORE", "d", "x", "y"], ["SINTERSTORE", "d", "x", "nokey"], ["SDIFFSTORE", "d", "x", "x"], ["SREM", "x", "1", "2"],
        ["SPOP", "s", "1"],
    ];

    [RequiresToolTheory("redis-server")]
    [InlineData("KEA")]
    [InlineData("Ks")]
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
