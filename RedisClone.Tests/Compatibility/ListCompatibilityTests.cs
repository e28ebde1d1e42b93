using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Compatibility;

/// <summary>
/// The list family against redis-server, every reply byte for byte, under RESP2 and RESP3: pushes and pops (with
/// counts), ranges and indexes (negative, out of range), LPOS's options, LSET/LINSERT/LREM/LTRIM, moves, LMPOP, the
/// blocking commands where they need not wait (a list with elements, inside MULTI, bad timeouts), WRONGTYPE, empty key
/// removal, WATCH, COPY/RENAME/MOVE, OBJECT ENCODING and lists whose nodes split (small list-max-listpack-size).
/// </summary>
public sealed class ListCompatibilityTests(DifferentialFixture fixture) : DifferentialTestBase(fixture)
{
    private static readonly Dictionary<string, string> Scripts = new()
    {
        ["list-commands"] = """
            rpush l a b c a b c
            lrange l 0 -1
            lrange l -2 -1
            lrange l 5 2
            lrange l -100 100
            lpush l x y
            lindex l 0
            lindex l -1
            lindex l 100
            lindex l abc
            lindex nokey abc
            llen l
            lpop l
            rpop l
            lpop l 2
            rpop l 0
            rpop l 100
            llen l
            exists l
            rpush l a b c a b c a
            lpos l a
            lpos l a rank 2
            lpos l a rank -1
            lpos l a rank -2 count 2
            lpos l a count 0
            lpos l a count 0 maxlen 3
            lpos l a rank -9223372036854775808
            lpos l a rank -9223372036854775808 count 2
            lpos l z
            lpos l z count 1
            lpos l a rank 0
            lpos l a count -1
            lpos l a maxlen -1
            lpos l a rank
            lpos nokey a count 1
            lset l 0 X
            lset l -1 Y
            lset l 100 x
            lset nokey 0 x
            lrange l 0 -1
            linsert l before b B
            linsert l after Y Z
            linsert l after nope Z
            linsert nokey after a b
            linsert l middle a b
            lrange l 0 -1
            lrem l 1 a
            lrem l -1 a
            lrem l 0 b
            lrem l 0 nope
            lrange l 0 -1
            ltrim l 1 -2
            lrange l 0 -1
            ltrim l 5 1
            exists l
            rpush l 1 2 3 4 5
            ltrim l -100 100
            ltrim l 1 1
            lrange l 0 -1
            rpush src a b c
            lmove src dst left right
            lmove src dst right left
            lrange dst 0 -1
            lmove src src left right
            lrange src 0 -1
            lmove src dst left right
            exists src
            lmove src dst left right
            rpoplpush dst dst
            lrange dst 0 -1
            set s v
            lmove dst s left left
            lmove s dst left left
            lpush s a
            rpush s a
            lpushx s a
            lrange s 0 1
            lmove dst dst up left
            lmpop 2 nokey dst left count 2
            lmpop 2 nokey dst right
            lmpop 1 nokey left
            lmpop 0 l left
            lmpop 5 l left
            lmpop 1 l middle
            lmpop 1 l left count 0
            lmpop 1 s left
            lpushx nokey a
            rpushx nokey a
            exists nokey
            rpush q a b
            blmpop 0 2 nokey q left count 5
            blpop l -1
            blpop l abc
            blpop l 1e400
            blpop l inf
            blpop l nan
            blpop l 0x0
            blpop l " 1"
            blmove s dst left left 0
            rpush m1 x
            blmove m1 s left left 0
            lrange m1 0 -1
            object encoding m1
            type m1
            multi
            blpop nokey 0
            brpoplpush nokey x 0
            blmpop 0 1 nokey left
            blmove nokey x left left 0
            exec
            client unblock abc
            client unblock 99999
            lpop nokey 1
            lpop nokey
            lmpop 1 nokey left
            multi
            blpop nokey 0
            blmove nokey x left left 0
            exec
            """,
        ["empty-key-removal"] = """
            RPUSH l a
            LPOP l
            EXISTS l
            RPUSH l a b
            RPOP l 5
            EXISTS l
            RPUSH l a a
            LREM l 0 a
            EXISTS l
            RPUSH l a b
            LTRIM l 2 1
            EXISTS l
            RPUSH l a
            LMOVE l l2 LEFT LEFT
            EXISTS l
            LMPOP 1 l2 RIGHT COUNT 9
            EXISTS l2
            RPUSH l a
            BLPOP l 1
            EXISTS l
            """,
        ["watch-copy-rename-move"] = """
            RPUSH l a b c
            WATCH l
            @2 LPUSH l z
            MULTI
            LLEN l
            EXEC
            WATCH l
            @2 LRANGE l 0 -1
            MULTI
            LLEN l
            EXEC
            WATCH l
            @2 LPOP l
            MULTI
            LLEN l
            EXEC
            COPY l c
            LPUSH c copied
            LRANGE l 0 -1
            LRANGE c 0 -1
            RENAME c r
            TYPE r
            LRANGE r 0 -1
            MOVE r 1
            SELECT 1
            LRANGE r 0 -1
            OBJECT ENCODING r
            SELECT 0
            EXISTS r
            """,
        ["timeouts-and-syntax"] = """
            MULTI
            BLPOP k -0.0001
            BLPOP k 1e-400
            BLPOP k 0.0001x
            BLPOP k ""
            BLPOP k 9223372036854775.807
            BRPOP k 1e16
            BLPOP k 0X1p-3
            BLPOP k -0
            BLPOP k +1
            EXEC
            BLMOVE a b LEFT LEFT -1
            BLMOVE a b UP LEFT -1
            BLMOVE a b LEFT LEFT abc
            BRPOPLPUSH a b -1
            BLMPOP -1 1 k LEFT
            BLMPOP 1 0 k LEFT
            BLMPOP abc 1 k LEFT COUNT 0
            BLMPOP 1 1 k LEFT COUNT 0
            BLMPOP 1 2 k LEFT
            LPOP k 1 2
            LPOP k -1
            LPOP k 1.5
            LRANGE k 0 9223372036854775808
            LINSERT k before a
            LPOS k a RANK 1 RANK 2
            LPOS k a COUNT 1 COUNT
            LPOS k a MAXLEN nan
            LPOS k a COUNT x
            LPOS k a RANK x
            CLIENT UNBLOCK 1 nope
            CLIENT UNBLOCK 1 TIMEOUT extra
            CLIENT UNBLOCK -1 ERROR
            """,
        ["encoding-and-types"] = """
            RPUSH l 1
            OBJECT ENCODING l
            TYPE l
            CONFIG SET list-max-listpack-size 2
            RPUSH s a b c d e f g
            OBJECT ENCODING s
            LRANGE s 0 -1
            LINSERT s AFTER c X
            LINSERT s BEFORE a Y
            LSET s 3 longer-than-before
            LRANGE s 0 -1
            LRANGE s 2 5
            LINDEX s -3
            LREM s -1 X
            LTRIM s 1 -2
            LRANGE s 0 -1
            CONFIG SET list-max-listpack-size -2
            """,
    };

    /// <summary>Elements around the 8 KB node size: one element per node, elements that split nodes.</summary>
    private static string LargeElements()
    {
        string big = new('x', 9000);
        string mid = new('y', 3000);
        var lines = new List<string> { $"RPUSH l {mid} {mid} {mid} {mid}", $"LPUSH l {big}", $"RPUSH l {big} a", $"LINSERT l BEFORE a {mid}", $"LSET l 2 {big}" };
        lines.AddRange(["LLEN l", "LRANGE l 0 -1", "LINDEX l 2", "LPOS l a", $"LREM l 2 {mid}", "LRANGE l 0 -1", "RPOP l 3", "LPOP l 2", "LRANGE l 0 -1"]);
        return string.Join('\n', lines);
    }

    /// <summary>
    /// Seeded random list operations on two keys, with nodes of a few entries (or the default 8 KB) so that pushes,
    /// pops, inserts, removals and trims cross, split and empty nodes; every reply is compared.
    /// </summary>
    private static string RandomOperations(int seed, string nodeSize)
    {
        var random = new Random(seed);
        string Element() => random.Next(10) switch
        {
            < 6 => ((string[])["a", "b", "c", "dd", "e"])[random.Next(5)],
            < 9 => new string('x', random.Next(0, 300)) is { Length: > 0 } x ? x : "\"\"",
            _ => new string('y', random.Next(100, 12000)),
        };
        var lines = new List<string> { $"CONFIG SET list-max-listpack-size {nodeSize}" };
        string[] keys = ["k1", "k2"];
        for (int i = 0; i < 400; i++)
        {
            string k = keys[random.Next(2)];
            int n = random.Next(-12, 13);
            lines.Add(random.Next(13) switch
            {
                0 => $"LPUSH {k} {Element()} {Element()}",
                1 => $"RPUSH {k} {Element()} {Element()} {Element()}",
                2 => $"LPOP {k}",
                3 => $"RPOP {k} {random.Next(0, 4)}",
                4 => $"LRANGE {k} {n} {random.Next(-12, 13)}",
                5 => $"LINDEX {k} {n}",
                6 => $"LSET {k} {n} {Element()}",
                7 => $"LINSERT {k} {(random.Next(2) == 0 ? "BEFORE" : "AFTER")} {((string[])["a", "b", "c"])[random.Next(3)]} {Element()}",
                8 => $"LREM {k} {random.Next(-3, 4)} {((string[])["a", "b", "c"])[random.Next(3)]}",
                9 => $"LTRIM {k} {random.Next(-3, 6)} {random.Next(-5, 13)}",
                10 => $"LPOS {k} {((string[])["a", "b"])[random.Next(2)]} RANK {((int[])[1, 2, -1, -2])[random.Next(4)]} COUNT {random.Next(0, 4)}",
                11 => $"LMOVE {k} {keys[random.Next(2)]} {(random.Next(2) == 0 ? "LEFT" : "RIGHT")} {(random.Next(2) == 0 ? "LEFT" : "RIGHT")}",
                _ => $"LRANGE {k} 0 -1",
            });
        }
        lines.Add("LRANGE k1 0 -1");
        lines.Add("LRANGE k2 0 -1");
        lines.Add("CONFIG SET list-max-listpack-size -2");
        return string.Join('\n', lines);
    }

    static ListCompatibilityTests()
    {
        Scripts["large-elements"] = LargeElements();
        Scripts["random-operations-nodes-of-4"] = RandomOperations(1, "4");
        Scripts["random-operations-nodes-of-1"] = RandomOperations(2, "1");
        Scripts["random-operations-8kb-nodes"] = RandomOperations(3, "-2");
        foreach (string name in Scripts.Keys.ToArray())
        {
            Scripts[name + "-resp3"] = "HELLO 3\n" + Scripts[name];
        }
    }

    public static TheoryData<string> Cases => new(Scripts.Keys);

    [RequiresToolTheory("redis-server")]
    [MemberData(nameof(Cases))]
    public void Replies_match_redis(string script) => AssertSameReplies(Scripts[script]);
}
