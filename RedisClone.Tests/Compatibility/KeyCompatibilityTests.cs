using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Compatibility;

/// <summary>Generic key commands and OBJECT against redis-server.</summary>
public sealed class KeyCompatibilityTests(DifferentialFixture fixture) : DifferentialTestBase(fixture)
{
    private static readonly Dictionary<string, string> Scripts = new()
    {
        ["del-unlink-exists"] = """
            MSET a 1 b 2 c 3
            EXISTS a b missing
            EXISTS a a a
            DEL a a missing
            EXISTS a
            UNLINK b b c
            DBSIZE
            DEL
            UNLINK
            EXISTS
            """,
        ["keys-scan-randomkey-single-key"] = """
            KEYS *
            SCAN 0
            RANDOMKEY
            SET only v
            KEYS *
            KEYS o*
            KEYS x*
            KEYS "[a-z]nl?"
            SCAN 0
            SCAN 0 MATCH o*
            SCAN 0 MATCH x* COUNT 100
            SCAN 0 TYPE string
            SCAN 0 type STRING
            SCAN 0 TYPE list
            RANDOMKEY
            KEYS
            RANDOMKEY x
            """,
        // Cursors that wrap around are tried on an empty database: where they land in a full one depends on the hash.
        ["scan-cursor-parsing"] = """
            SCAN -1
            SCAN 18446744073709551615
            SCAN -18446744073709551615
            SCAN 18446744073709551616
            SCAN abc
            SCAN 1a
            SCAN +
            SCAN -
            SCAN " 0"
            SCAN 0x0
            SCAN 0.0
            SET only v
            SCAN +0
            SCAN -0
            SCAN ""
            SCAN "0\x00junk"
            SCAN 00
            """,
        ["scan-option-errors"] = """
            SET only v
            SCAN 0 COUNT 0
            SCAN 0 COUNT -1
            SCAN 0 COUNT abc
            SCAN 0 MATCH
            SCAN 0 FOO bar
            SCAN 0 COUNT 10 MATCH
            SCAN 0 count 5 match o* type string
            SCAN
            """,
        ["binary-keys-and-values"] = """
            SET "\x00\xff key" "\x00value\r\n"
            GET "\x00\xff key"
            KEYS *
            EXISTS "\x00\xff key"
            RENAME "\x00\xff key" "\xe9"
            GET "\xe9"
            STRLEN "\xe9"
            """,
        ["type"] = """
            SET s v
            TYPE s
            TYPE missing
            TYPE
            TYPE a b
            """,
        ["rename"] = """
            RENAME missing x
            RENAMENX missing x
            RENAME missing missing
            SET a 1
            RENAME a a
            RENAMENX a a
            RENAME a b
            GET b
            EXISTS a
            SET c 3
            RENAMENX b c
            RENAMENX b d
            GET d
            SET e 1 EX 100
            RENAME e f
            TTL f
            SET g 1
            RENAME g f
            TTL f
            RENAME a
            RENAMENX a b c
            """,
        ["copy"] = """
            SET a hello
            COPY a b
            GET b
            COPY a b
            COPY a b REPLACE
            COPY a a
            COPY a a DB 0
            COPY a a DB 1
            COPY a a DB 1
            COPY a a db 1 replace
            SELECT 1
            GET a
            SELECT 0
            COPY missing x
            SET t 1 EX 100
            COPY t u
            TTL u
            COPY a b REPLACE REPLACE
            COPY a
            """,
        ["copy-invalid"] = """
            SET a hello
            COPY a b DB
            COPY a b DB abc
            COPY a b DB 16
            COPY a b DB -1
            COPY a b DB 3000000000
            COPY a b FOO
            COPY a b REPLACE FOO
            COPY missing missing
            """,
        ["move"] = """
            SET a 1
            MOVE a 0
            MOVE a 1
            EXISTS a
            SELECT 1
            GET a
            MOVE a 1
            SET b x
            SELECT 0
            SET b y
            SELECT 1
            MOVE b 0
            SELECT 0
            GET b
            MOVE missing 1
            SET t 1 EX 100
            MOVE t 2
            SELECT 2
            TTL t
            MOVE
            """,
        ["move-invalid"] = """
            SET b 1
            MOVE b 16
            MOVE b -1
            MOVE b abc
            MOVE b 1.5
            MOVE b 3000000000
            MOVE missing 16
            MOVE missing 0
            """,
        ["touch"] = """
            MSET a 1 b 2
            TOUCH a b missing a
            TOUCH missing
            TOUCH
            """,
        ["object-encoding"] = """
            SET i 12345
            OBJECT ENCODING i
            SET neg -123
            OBJECT ENCODING neg
            SET max 9223372036854775807
            OBJECT ENCODING max
            SET big 12345678901234567890
            OBJECT ENCODING big
            SET lead 0123
            OBJECT ENCODING lead
            SET space " 1"
            OBJECT ENCODING space
            SET e hello
            OBJECT ENCODING e
            SET e44 12345678901234567890123456789012345678901234
            OBJECT ENCODING e44
            SET r45 123456789012345678901234567890123456789012345
            OBJECT ENCODING r45
            SET empty ""
            OBJECT ENCODING empty
            object encoding e
            """,
        ["object-encoding-after-writes"] = """
            SET k hello
            APPEND k x
            OBJECT ENCODING k
            APPEND new 123
            OBJECT ENCODING new
            SET n2 123
            APPEND n2 4
            OBJECT ENCODING n2
            SET n 10
            INCR n
            OBJECT ENCODING n
            INCRBYFLOAT f 1.5
            OBJECT ENCODING f
            INCRBYFLOAT g 3
            OBJECT ENCODING g
            SETRANGE s 0 abc
            OBJECT ENCODING s
            SET s2 hello
            SETRANGE s2 0 J
            OBJECT ENCODING s2
            GETSET x 5
            OBJECT ENCODING x
            MSET m 7
            OBJECT ENCODING m
            SETEX se 100 8
            OBJECT ENCODING se
            SETNX sn 9
            OBJECT ENCODING sn
            COPY k kc
            OBJECT ENCODING kc
            RENAME n nr
            OBJECT ENCODING nr
            """,
        ["object-other-subcommands"] = """
            OBJECT ENCODING missing
            OBJECT REFCOUNT missing
            OBJECT IDLETIME missing
            OBJECT FREQ missing
            SET big 12345
            OBJECT REFCOUNT big
            SET str hello
            OBJECT REFCOUNT str
            OBJECT IDLETIME str
            OBJECT FREQ str
            SET small 100
            OBJECT REFCOUNT small
            """,
        ["object-refcount-shared-integers"] = """
            SET zero 0
            OBJECT REFCOUNT zero
            SET top 9999
            OBJECT REFCOUNT top
            SET over 10000
            OBJECT REFCOUNT over
            SET neg -1
            OBJECT REFCOUNT neg
            INCR counter
            OBJECT REFCOUNT counter
            INCRBYFLOAT f 3
            OBJECT REFCOUNT f
            SET a 12
            APPEND a 3
            OBJECT REFCOUNT a
            MSET m 5
            OBJECT REFCOUNT m
            SET r 7
            RENAME r r2
            OBJECT REFCOUNT r2
            SET c 8
            COPY c c2
            OBJECT REFCOUNT c2
            OBJECT ENCODING c2
            """,
        ["object-errors"] = """
            OBJECT foo
            OBJECT foo bar
            OBJECT
            OBJECT ENCODING
            OBJECT ENCODING a b
            OBJECT HELP extra
            object Encoding
            """,
        ["expire-basic"] = """
            EXPIRE missing 100
            SET k v
            EXPIRE k 100
            TTL k
            PEXPIRE k 200000
            TTL k
            EXPIREAT k 4102444800
            EXPIRETIME k
            PEXPIRETIME k
            PERSIST k
            TTL k
            PTTL k
            EXPIRETIME k
            PEXPIRETIME k
            PERSIST k
            PERSIST missing
            TTL missing
            PTTL missing
            EXPIRETIME missing
            PEXPIRETIME missing
            """,
        ["expiretime-rounding"] = """
            SET k v
            PEXPIREAT k 4102444800999
            EXPIRETIME k
            PEXPIRETIME k
            PEXPIREAT k 4102444800499
            EXPIRETIME k
            PEXPIREAT k 4102444800500
            EXPIRETIME k
            """,
        ["expire-in-the-past-deletes"] = """
            SET k v
            EXPIRE k 0
            EXISTS k
            SET k v
            EXPIRE k -5
            EXISTS k
            SET k v
            EXPIREAT k 1
            EXISTS k
            SET k v
            PEXPIREAT k 0
            EXISTS k
            SET k v
            PEXPIRE k -1
            EXISTS k
            """,
        ["expire-conditions"] = """
            SET k v
            EXPIRE k 100 XX
            EXPIRE k 100 GT
            EXPIRE k 100 LT
            TTL k
            EXPIRE k 200 NX
            EXPIRE k 200 XX
            TTL k
            EXPIRE k 50 GT
            EXPIRE k 300 GT
            TTL k
            EXPIRE k 400 LT
            EXPIRE k 100 LT
            TTL k
            EXPIRE k 500 XX GT
            EXPIRE k 100 XX LT
            TTL k
            EXPIRE k 100 XX XX
            PERSIST k
            EXPIRE k 100 NX
            EXPIRE k 100 nx
            EXPIRE missing 100 NX
            PEXPIRE k 500000 gt
            TTL k
            EXPIREAT k 4102444800 LT
            PEXPIREAT k 4102444800000 GT
            EXPIRETIME k
            """,
        ["expire-invalid-options"] = """
            SET k v
            EXPIRE k 100 gt lt
            EXPIRE k 100 NX XX
            EXPIRE k 100 NX GT
            EXPIRE k 100 LT NX
            EXPIRE k 100 GT LT
            EXPIRE k 100 FOO
            EXPIRE k 100 NX FOO
            EXPIRE k abc NX XX
            EXPIRE k abc FOO
            EXPIRE k abc
            EXPIRE k 1.5
            EXPIRE k ""
            EXPIRE missing 100 NX XX
            PEXPIRE k 100 XX GT LT
            EXPIREAT k 100 BAR
            EXPIRE k
            TTL k
            """,
        ["expire-overflow"] = """
            SET k v
            EXPIRE k 9223372036854775807
            EXPIRE k 9223372036854775
            EXPIRE k 9223372036854774
            EXPIRE k -9223372036854775808
            EXPIRE k 99999999999999999999
            PEXPIRE k 9223372036854775807
            PEXPIRE k 9223372036854770000
            EXPIREAT k 9223372036854775807
            EXPIREAT k 9223372036854776
            TTL k
            EXPIREAT k 9223372036854775
            EXPIRETIME k
            PEXPIREAT k 9223372036854775807
            PEXPIRETIME k
            EXPIRETIME k
            PEXPIREAT k 9223372036854775307
            EXPIRETIME k
            PEXPIREAT k 9223372036854775308
            EXPIRETIME k
            EXPIRE k -9223372036854775
            EXISTS k
            """,
        ["ttl-arity"] = """
            TTL
            PTTL a b
            EXPIRETIME
            PEXPIRETIME a b
            PERSIST
            EXPIRE
            PEXPIREAT a
            """,
    };

    /// <summary>
    /// EXPIRE with every ordered pair of NX/XX/GT/LT (and no option), a shorter and a longer time, on a key without and
    /// with a TTL; TTL shows what happened (whole seconds, so the clock does not matter).
    /// </summary>
    private static string ExpireConditionCombinations()
    {
        string[] options = ["", "NX", "XX", "GT", "LT"];
        var lines = new List<string>();
        foreach (string start in (string[])["SET k v", "SET k v EX 100"])
        {
            foreach (string a in options)
            {
                foreach (string b in options)
                {
                    foreach (string seconds in (string[])["50", "200"])
                    {
                        lines.Add(start);
                        lines.Add($"EXPIRE k {seconds} {a} {b}".TrimEnd());
                        lines.Add("TTL k");
                    }
                }
            }
        }
        return string.Join('\n', lines);
    }

    /// <summary>
    /// KEYS and SCAN MATCH with glob patterns (escapes, classes, ranges, unclosed brackets) against one key at a time,
    /// so that the reply is the key or nothing whatever order the server keeps its keys in.
    /// </summary>
    private static string GlobPatterns()
    {
        string[] keys = ["hello", "hallo", "h*llo", "h]llo", "h-llo", "h\\\\llo", "[", "\\\\", "", "HELLO", "h\\xe9llo"];
        string[] patterns =
        [
            "*", "h?llo", "h*llo", "h[ae]llo", "h[^e]llo", "h[!e]llo", "h[a-z]llo", "h[z-a]llo", "h\\\\*llo", "h\\\\?llo",
            "h[", "h[e", "h[e-", "h[^", "[]", "[]]", "\\\\", "hello\\\\", "*\\\\", "h[\\\\]]llo", "h[a\\\\-z]llo", "**",
            "?*", "*?*?*", "h*o*", "[h-h]*", "[^a-g]ello", "H*", "", "[[]", "h[-]llo", "h[]-]llo", "?", "h\\\\llo", "*llo*", "h?*?o",
        ];
        var lines = new List<string>();
        foreach (string key in keys)
        {
            lines.Add("FLUSHDB");
            lines.Add($"SET \"{key}\" v");
            foreach (string pattern in patterns)
            {
                lines.Add($"KEYS \"{pattern}\"");
                lines.Add($"SCAN 0 MATCH \"{pattern}\" COUNT 100");
            }
        }
        return string.Join('\n', lines);
    }

    static KeyCompatibilityTests()
    {
        Scripts["expire-condition-combinations"] = ExpireConditionCombinations();
        Scripts["glob-patterns"] = GlobPatterns();
    }

    public static TheoryData<string> Cases => new(Scripts.Keys);

    [RequiresToolTheory("redis-server")]
    [MemberData(nameof(Cases))]
    public void Replies_match_redis(string script) => AssertSameReplies(Scripts[script]);
}
