using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Compatibility;

/// <summary>The string family against redis-server: every reply and error text byte for byte.</summary>
public sealed class StringCompatibilityTests(DifferentialFixture fixture) : DifferentialTestBase(fixture)
{
    private static readonly Dictionary<string, string> Scripts = new()
    {
        ["get-set"] = """
            GET missing
            SET k v
            GET k
            SET k ""
            GET k
            STRLEN k
            set K lower-case-command
            GET K
            SET k v extra
            """,
        ["set-nx-xx"] = """
            SET k v XX
            EXISTS k
            SET k v NX
            SET k w NX
            GET k
            SET k w XX
            GET k
            SET k v NX XX
            SET k v XX NX
            SET k v nx
            SET k v NX NX
            SET k v xx XX
            """,
        ["set-get-option"] = """
            SET k v GET
            SET k w GET
            SET k x get
            SET k y GET GET
            GET k
            SET k z XX GET
            SET n v NX GET
            SET n w NX GET
            GET n
            SET x v XX GET
            EXISTS x
            """,
        // The node reuses a value's bytes when an overwrite has the same length: a copy must not see it.
        ["same-size-overwrites"] = """
            SET a 10
            COPY a b
            INCR a
            GET a
            GET b
            SET a 99
            INCR b
            GET a
            GET b
            SET c abc
            COPY c d
            SET c xyz
            GET d
            SET c def GET
            GET c
            OBJECT ENCODING a
            SET e 12345678901234567890
            OBJECT ENCODING e
            SET e 1234567890123456789
            OBJECT ENCODING e
            INCR e
            OBJECT ENCODING e
            SET e 12345678901234567891
            OBJECT ENCODING e
            """,
        ["set-expiry-options"] = """
            SET k v EX 100
            TTL k
            SET k v PX 100000
            TTL k
            SET k v EXAT 4102444800
            EXPIRETIME k
            SET k v PXAT 4102444800123
            PEXPIRETIME k
            SET k w
            TTL k
            SET k v ex 100
            SET k w KEEPTTL
            TTL k
            GET k
            SET k x KEEPTTL GET
            TTL k
            SET k v EX 10 EX 20
            TTL k
            SET k v KEEPTTL KEEPTTL
            TTL k
            SET k v PX 5000 NX
            SET k v NX PX 5000 GET
            SET k v XX EX 300 GET
            TTL k
            """,
        ["set-expiry-invalid"] = """
            SET k v EX 0
            SET k v EX -1
            SET k v PX 0
            SET k v EXAT 0
            SET k v PXAT -5
            SET k v EX abc
            SET k v EX 1.5
            SET k v EX " 1"
            SET k v EX 01
            SET k v EX
            SET k v PX
            SET k v KEEPTTL EX
            SET k v EX 10 PX 10
            SET k v PX 10 EX 10
            SET k v EX 10 KEEPTTL
            SET k v KEEPTTL EX 10
            SET k v EXAT 10 PXAT 10
            SET k v PERSIST
            SET k v FOO
            SET k v NX FOO
            SET k v EX 0 GET
            SET k v NX EX 0
            SET k v EX 9223372036854775807
            SET k v PX 9223372036854775807
            SET k v EX 9223372036854775
            SET k v EX 99999999999999999999
            EXISTS k
            """,
        ["set-expiry-limits"] = """
            SET k v EXAT 9223372036854775
            EXPIRETIME k
            SET k v PXAT 9223372036854775807
            PEXPIRETIME k
            SET k v EXAT 9223372036854776
            SET k v PXAT 1
            EXISTS k
            """,
        ["setnx-setex-psetex"] = """
            SETNX k v
            SETNX k w
            GET k
            SETNX k
            SETNX k v w
            SETEX k 100 v
            TTL k
            SETEX k 0 v
            SETEX k -10 v
            SETEX k abc v
            SETEX k 9223372036854775807 v
            SETEX k 100
            PSETEX k 100000 v
            TTL k
            PSETEX k 0 v
            PSETEX k 1.5 v
            PSETEX k 9223372036854775807 v
            GET k
            """,
        ["getset-getdel"] = """
            GETSET k v
            GETSET k w
            GET k
            GETDEL k
            GETDEL k
            EXISTS k
            SET k v EX 100
            GETSET k w
            TTL k
            GETSET k
            GETDEL
            GETDEL a b
            """,
        ["getex"] = """
            GETEX missing
            SET k v
            GETEX k
            TTL k
            GETEX k EX 100
            TTL k
            GETEX k PX 200000
            TTL k
            GETEX k EXAT 4102444800
            EXPIRETIME k
            GETEX k PXAT 4102444800500
            PEXPIRETIME k
            GETEX k PERSIST
            TTL k
            GETEX k persist
            GETEX k EX 10 EX 20
            TTL k
            GETEX k EXAT 1
            EXISTS k
            GETEX
            """,
        ["getex-invalid"] = """
            SET k v
            GETEX k EX 0
            GETEX k EX -1
            GETEX k PX abc
            GETEX k KEEPTTL
            GETEX k EX 10 PX 10
            GETEX k PERSIST EX 10
            GETEX k EX 10 PERSIST
            GETEX k EX
            GETEX k NX
            GETEX k GET
            GETEX k EX 9223372036854775807
            TTL k
            """,
        ["getex-missing-key"] = """
            GETEX missing EX 0
            GETEX missing EX abc
            GETEX missing PX -1
            GETEX missing FOO
            GETEX missing EX
            """,
        ["mget-mset"] = """
            MSET a 1 b 2 c 3
            MGET a b c missing
            MGET a a
            MSET a 1 b
            MSET a
            MGET
            MSET a 1 a 2
            GET a
            MSETNX a 1 d 4
            EXISTS d
            MSETNX d 4 e 5
            MGET d e
            MSETNX d
            MSETNX x 1 y
            MSETNX n 1 n 2
            GET n
            """,
        ["append-strlen"] = """
            APPEND k hello
            APPEND k " world"
            GET k
            STRLEN k
            STRLEN missing
            APPEND k ""
            APPEND new ""
            EXISTS new
            SET n 10
            APPEND n 5
            GET n
            INCR n
            STRLEN
            APPEND k
            """,
        ["getrange"] = """
            SET k "Hello World"
            GETRANGE k 0 4
            GETRANGE k -5 -1
            GETRANGE k 0 -1
            GETRANGE k 0 100
            GETRANGE k 5 3
            GETRANGE k -1 -5
            GETRANGE k -100 -50
            GETRANGE k -100 2
            GETRANGE k 0 -100
            GETRANGE k 20 30
            GETRANGE k 10 10
            GETRANGE k 11 11
            GETRANGE k -9223372036854775808 9223372036854775807
            GETRANGE missing 0 -1
            GETRANGE missing a 1
            GETRANGE k a 1
            GETRANGE k 0 b
            GETRANGE k 0 1.5
            SET empty ""
            GETRANGE empty 0 -1
            GETRANGE empty -1 0
            SET n 12345
            GETRANGE n 1 2
            GETRANGE k 0
            """,
        ["setrange"] = """
            SETRANGE k 0 hello
            GET k
            SETRANGE k 6 world
            GET k
            SETRANGE k 1 E
            GET k
            SETRANGE pad 3 x
            GET pad
            SETRANGE k -1 x
            SETRANGE k abc x
            SETRANGE missing -1 ""
            SETRANGE missing 5 ""
            SETRANGE missing 0 ""
            EXISTS missing
            SETRANGE k 0 ""
            SETRANGE k 100 ""
            SET n 123
            SETRANGE n 1 x
            GET n
            SETRANGE k 0
            """,
        ["setrange-limits"] = """
            SET k v
            SETRANGE k 536870911 ""
            SETRANGE k 536870912 x
            SETRANGE k 9223372036854775807 x
            SETRANGE missing 9223372036854775807 x
            SETRANGE k 9223372036854775808 x
            GET k
            """,
        ["incr-decr"] = """
            INCR n
            INCR n
            DECR n
            INCRBY n 10
            DECRBY n 3
            INCRBY n -5
            DECRBY n -5
            GET n
            INCRBY n abc
            INCRBY n 1.5
            INCRBY n " 1"
            INCRBY n 01
            DECRBY n ""
            INCR
            INCRBY n
            DECRBY n 1 2
            """,
        ["incr-non-integer-values"] = """
            SET s " 1"
            INCR s
            SET s "1 "
            INCR s
            SET s 01
            INCR s
            SET s 1.0
            INCR s
            SET s +1
            INCR s
            SET s -0
            INCR s
            SET s ""
            INCR s
            SET s abc
            DECR s
            SET s 12345678901234567890
            INCR s
            SET s 9223372036854775808
            INCR s
            GET s
            """,
        ["incr-overflow"] = """
            SET s 9223372036854775807
            INCR s
            INCRBY s 0
            DECR s
            SET s -9223372036854775808
            DECR s
            DECRBY s 1
            INCR s
            DECRBY s -9223372036854775808
            DECRBY s 9223372036854775807
            INCRBY s 99999999999999999999
            SET s -1
            INCRBY s -9223372036854775808
            SET s 1
            INCRBY s 9223372036854775807
            GET s
            """,
        ["incrbyfloat-formatting"] = """
            INCRBYFLOAT a 10.50
            INCRBYFLOAT a 0.1
            GET a
            SET b 5.0e3
            INCRBYFLOAT b 2.0e2
            SET c 3.0e3
            INCRBYFLOAT c 0
            INCRBYFLOAT d 3
            INCRBYFLOAT e 1.5
            INCRBYFLOAT e -1.5
            INCRBYFLOAT f -0.0
            INCRBYFLOAT g 1e10
            INCRBYFLOAT g 1e-5
            SET h 10
            INCRBYFLOAT h 0.5
            INCRBYFLOAT i .5
            INCRBYFLOAT i 5.
            INCRBYFLOAT j +7
            INCRBYFLOAT k -2.25e-3
            INCRBYFLOAT l 1E2
            """,
        ["incrbyfloat-precision"] = """
            INCRBYFLOAT a 0.1
            INCRBYFLOAT a 0.2
            INCRBYFLOAT b 1.23456789012345678
            INCRBYFLOAT b 100
            INCRBYFLOAT c 1000.1
            INCRBYFLOAT d 0.3
            INCRBYFLOAT d -0.1
            INCRBYFLOAT e 1e20
            INCRBYFLOAT e 1
            INCRBYFLOAT f 123456789.123456789
            INCRBYFLOAT g 1e-20
            INCRBYFLOAT h 33.3
            INCRBYFLOAT h 33.3
            INCRBYFLOAT h 33.3
            """,
        ["incrbyfloat-errors"] = """
            SET k 10
            INCRBYFLOAT k abc
            INCRBYFLOAT k " 1"
            INCRBYFLOAT k "1 "
            INCRBYFLOAT k ""
            INCRBYFLOAT k nan
            INCRBYFLOAT k NaN
            INCRBYFLOAT k inf
            INCRBYFLOAT k -inf
            INCRBYFLOAT k +inf
            INCRBYFLOAT k infinity
            INCRBYFLOAT k 1e
            INCRBYFLOAT k 1..2
            INCRBYFLOAT k 1,5
            GET k
            SET s abc
            INCRBYFLOAT s 1
            SET s inf
            INCRBYFLOAT s 1
            SET s " 2"
            INCRBYFLOAT s 1
            INCRBYFLOAT
            INCRBYFLOAT k
            """,
        ["incrbyfloat-range"] = """
            INCRBYFLOAT a 1e308
            INCRBYFLOAT a 1e308
            INCRBYFLOAT b 1e400
            INCRBYFLOAT c 1e-400
            INCRBYFLOAT d 1e5000
            INCRBYFLOAT e 1.18e4932
            INCRBYFLOAT e 1.18e4932
            INCRBYFLOAT f 1e-4950
            INCRBYFLOAT f 1e-4960
            INCRBYFLOAT g -1e-20
            INCRBYFLOAT h 0.000000000000000005
            INCRBYFLOAT h 0.000000000000000015
            """,
        ["incrbyfloat-strtold-syntax"] = """
            INCRBYFLOAT a 0x10
            INCRBYFLOAT a 0x1p-2
            INCRBYFLOAT a 0X.8P1
            INCRBYFLOAT a 0x
            INCRBYFLOAT a 0x1p
            INCRBYFLOAT a "2\x00junk"
            INCRBYFLOAT a +.5e+1
            INCRBYFLOAT a -.
            INCRBYFLOAT a 1e+
            INCRBYFLOAT a 00012.50
            INCRBYFLOAT a 1_000
            INCRBYFLOAT a INFINITY
            INCRBYFLOAT a -Inf
            INCRBYFLOAT a infinit
            INCRBYFLOAT a nan(1)
            INCRBYFLOAT a "\t1"
            GET a
            """,
        ["ttl-kept-or-cleared-by-writes"] = """
            SET n 1 EX 100
            INCR n
            TTL n
            INCRBYFLOAT n 1.5
            TTL n
            APPEND n 0
            TTL n
            SETRANGE n 0 9
            TTL n
            GETEX n
            TTL n
            SETNX n 1
            TTL n
            GETSET n 1
            TTL n
            SET m 1 EX 100
            MSET m 2
            TTL m
            SET s 1 EX 100
            SET s 2
            TTL s
            SETEX x 100 v
            GETDEL x
            TTL x
            """,
        ["large-values"] = $"""
            SET big {new string('v', 100_000)}
            STRLEN big
            GETRANGE big 99990 -1
            APPEND big tail
            GETRANGE big -8 -1
            OBJECT ENCODING big
            SETRANGE big 200000 end
            STRLEN big
            GETRANGE big 199998 200010
            """,
        ["string-wrong-arity"] = """
            GET
            GET a b
            SET a
            STRLEN
            MGET
            GETRANGE a 0
            SETRANGE a 0
            INCRBYFLOAT a
            APPEND a
            SETEX a 1
            PSETEX a 1
            GETSET a
            """,
    };

    /// <summary>SET with every ordered pair and triple of its options, on a key that exists and on one that does not.</summary>
    private static string SetOptionCombinations()
    {
        string[] options = ["NX", "XX", "GET", "KEEPTTL", "EX 100", "PX 100000", "EXAT 4102444800", "PXAT 4102444800000", "PERSIST"];
        var lines = new List<string>();
        foreach (string a in options)
        {
            foreach (string b in options)
            {
                lines.Add($"SET k v {a} {b}");
                lines.Add("DEL missing");
                lines.Add($"SET missing v {a} {b}");
                foreach (string c in options)
                {
                    lines.Add($"SET k w {a} {b} {c}");
                }
            }
        }
        return string.Join('\n', lines);
    }

    /// <summary>Each expire option of SET and GETEX with each kind of bad value.</summary>
    private static string ExpireValues()
    {
        string[] values = ["0", "-1", "abc", "1.5", "\"\"", "01", "9223372036854775807", "9223372036854775808", "-9223372036854775808"];
        var lines = new List<string> { "SET k v" };
        foreach (string option in (string[])["EX", "PX", "EXAT", "PXAT"])
        {
            foreach (string value in values)
            {
                lines.Add($"SET k v {option} {value}");
                lines.Add($"GETEX k {option} {value}");
                lines.Add("SET k v");
            }
        }
        return string.Join('\n', lines);
    }

    /// <summary>GETEX with every ordered pair of its options.</summary>
    private static string GetExOptionCombinations()
    {
        string[] options = ["EX 100", "PX 100000", "EXAT 4102444800", "PXAT 4102444800000", "PERSIST", "KEEPTTL", "NX"];
        var lines = new List<string> { "SET k v" };
        foreach (string a in options)
        {
            foreach (string b in options)
            {
                lines.Add($"GETEX k {a} {b}");
            }
        }
        return string.Join('\n', lines);
    }

    static StringCompatibilityTests()
    {
        Scripts["set-option-combinations"] = SetOptionCombinations();
        Scripts["expire-option-values"] = ExpireValues();
        Scripts["getex-option-combinations"] = GetExOptionCombinations();
    }

    public static TheoryData<string> Cases => new(Scripts.Keys);

    [RequiresToolTheory("redis-server")]
    [MemberData(nameof(Cases))]
    public void Replies_match_redis(string script) => AssertSameReplies(Scripts[script]);
}
