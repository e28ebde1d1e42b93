using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Compatibility;

/// <summary>
/// The connection family, unknown commands, arity errors, inline commands and protocol errors against redis-server.
/// HELLO's version and id fields are masked (they differ between any two servers); everything else is compared exactly.
/// </summary>
public sealed class ConnectionCompatibilityTests(DifferentialFixture fixture) : DifferentialTestBase(fixture)
{
    private static readonly string Long200 = new('a', 200);
    private static readonly string Long120 = new('b', 120);
    private static readonly string Accented = string.Concat(Enumerable.Repeat("é", 100));
    private static readonly string Euros = string.Concat(Enumerable.Repeat("€", 50));

    private static readonly Dictionary<string, string> Scripts = new()
    {
        ["ping-echo"] = """
            PING
            PING hello
            PING ""
            PING a b
            ping
            ECHO hello
            ECHO ""
            ECHO
            ECHO a b
            ECHO "\x00\xff binary"
            """,
        ["hello-errors"] = """
            HELLO 4
            HELLO 1
            HELLO 0
            HELLO -1
            HELLO abc
            HELLO 2.0
            HELLO 9223372036854775808
            HELLO 2 FOO
            HELLO 3 SETNAME
            HELLO 3 AUTH default
            HELLO 3 SETNAME "a b"
            HELLO 2 AUTH nobody secret
            PING
            """,
        ["hello-2"] = """
            HELLO 2
            GET missing
            HELLO
            """,
        ["hello-3"] = """
            HELLO 3
            PING
            GET missing
            SET k v
            MGET k missing
            SET k v NX
            SET k w GET
            OBJECT ENCODING missing
            INCRBYFLOAT f 1.5
            CONFIG GET maxclients
            CONFIG GET nosuch
            COMMAND INFO nosuch
            CLIENT GETNAME
            SCAN 0 MATCH k
            MULTI
            GET k
            EXEC
            HELLO 2
            GET missing
            """,
        ["hello-setname-and-auth"] = """
            HELLO 3 SETNAME myname
            CLIENT GETNAME
            HELLO 2 AUTH default anything SETNAME other
            CLIENT GETNAME
            """,
        ["resp3-null-exec"] = """
            HELLO 3
            SET w 1
            WATCH w
            @2 SET w 2
            MULTI
            GET w
            EXEC
            """,
        ["client-name"] = """
            CLIENT GETNAME
            CLIENT SETNAME conn1
            CLIENT GETNAME
            CLIENT SETNAME "a b"
            CLIENT SETNAME "a\nb"
            CLIENT GETNAME
            CLIENT SETNAME ""
            CLIENT GETNAME
            CLIENT foo
            CLIENT
            CLIENT SETNAME
            """,
        ["unknown-command"] = """
            FOO
            FOO a b c
            FOO "" x
            foo bar
            """,
        ["unknown-command-long-arguments"] = $"""
            FOO {Long200} b
            FOO a {Long120} c d
            {Long200} x
            FOO "a\r\nb"
            """,
        ["unknown-command-multibyte-arguments"] = $"""
            FOO {Accented}
            FOO x {Accented}
            """,
        ["unknown-command-cut-inside-a-character"] = $"""
            FOO {Euros}
            FOO x {Euros}
            {Euros} x
            """,
        ["unknown-command-binary-arguments"] = """
            FOO "a\x00b" c
            FOO "\xff\xfe" x
            "\x00abc" x
            "\xe9t\xe9" x
            """,
        ["unknown-subcommand"] = $"""
            OBJECT foo
            object foo bar
            OBJECT {Long200}
            OBJECT {Euros}
            OBJECT "a\x00b"
            OBJECT "\xff"
            CONFIG foo
            client Foo
            """,
        ["wrong-arity"] = """
            GET
            SET a
            MGET
            DEL
            EXPIRE a
            TTL
            INCR
            INCRBY a
            GETRANGE a 0
            SELECT
            OBJECT
            OBJECT ENCODING
            CONFIG
            COMMAND COUNT extra
            """,
        ["inline-commands"] = """
            RAW SET a b\r\n
            RAW GET a\r\n
            RAW SET "x y" "hello world"\r\n
            RAW GET "x y"\r\n
            RAW ECHO 'it\\'s'\r\n
            RAW ECHO "\\x41\\x42"\r\n
            RAW ECHO "tab\\there"\r\n
            RAW    PING    \r\n
            RAW PING\n
            RAW ECHO ""\r\n
            RAW foo bar\r\n
            RAW $3\r\n
            SEND \r\n
            SEND    \r\n
            RAW PING\r\n
            """,
        ["inline-escapes"] = """
            RAW ECHO "\\x4g"\r\n
            RAW ECHO "a\\"b"\r\n
            RAW ECHO 'a\\'b'\r\n
            RAW ECHO 'a\\nb'\r\n
            RAW ECHO "a\\nb\\tc\\\\d"\r\n
            RAW ECHO "\\x00\\xff"\r\n
            RAW SET "" empty-key\r\n
            RAW GET ""\r\n
            RAW ECHO a\tb\r\n
            """,
        ["pipelined-quit"] = """
            SEND PING\r\nQUIT\r\nPING\r\n
            READ
            READ
            CLOSED?
            """,
        ["inline-then-multibulk-in-one-write"] = """
            RAW SET a 1\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\n
            RAW 
            """,
        ["empty-multibulk-is-ignored"] = """
            SEND *0\r\n
            SEND *-1\r\n
            RAW PING\r\n
            """,
        ["protocol-error-invalid-multibulk-length"] = """
            RAW *abc\r\n
            CLOSED?
            """,
        ["protocol-error-multibulk-length-too-big"] = """
            RAW *3000000000\r\n
            CLOSED?
            """,
        ["protocol-error-invalid-bulk-length"] = """
            RAW *1\r\n$abc\r\n
            CLOSED?
            """,
        ["protocol-error-negative-bulk-length"] = """
            RAW *1\r\n$-1\r\n
            CLOSED?
            """,
        ["protocol-error-bulk-longer-than-proto-max-bulk-len"] = """
            RAW *1\r\n$536870913\r\n
            CLOSED?
            """,
        ["protocol-error-expected-dollar"] = """
            RAW *1\r\n+PING\r\n
            CLOSED?
            """,
        ["protocol-error-expected-dollar-after-first-argument"] = """
            RAW *2\r\n$4\r\nECHO\r\nx\r\n
            CLOSED?
            """,
        ["protocol-error-expected-dollar-got-a-non-ascii-byte"] = """
            RAW *1\r\n\xe9PING\r\n
            CLOSED?
            """,
        ["protocol-error-expected-dollar-got-a-line-end"] = """
            RAW *1\r\n\r\n
            CLOSED?
            """,
        ["protocol-error-leading-zero-in-multibulk-length"] = """
            RAW *01\r\n$4\r\nPING\r\n
            CLOSED?
            """,
        ["protocol-error-leading-zero-in-bulk-length"] = """
            RAW *1\r\n$04\r\nPING\r\n
            CLOSED?
            """,
        ["protocol-error-plus-sign-in-multibulk-length"] = """
            RAW *+1\r\n$4\r\nPING\r\n
            CLOSED?
            """,
        ["protocol-error-unbalanced-double-quote"] = """
            RAW SET k "unbalanced\r\n
            CLOSED?
            """,
        ["protocol-error-unbalanced-single-quote"] = """
            RAW SET k 'unbalanced\r\n
            CLOSED?
            """,
        ["protocol-error-quote-followed-by-text"] = """
            RAW SET k "a"b\r\n
            CLOSED?
            """,
        ["protocol-error-after-a-good-command"] = """
            RAW PING\r\n*x\r\n
            READ
            CLOSED?
            """,
        ["pipeline"] = """
            SEND SET a 1\r\n*2\r\n$4\r\nINCR\r\n$1\r\na\r\nGET a\r\nFOO\r\n*1\r\n$4\r\nPING\r\n
            READ
            READ
            READ
            READ
            READ
            """,
        ["bulk-shorter-than-its-length-line"] = """
            RAW *1\r\n$3\r\nPINGX\r\n
            RAW PING\r\n
            """,
        ["auth-without-password"] = """
            AUTH secret
            AUTH default anything
            AUTH nobody secret
            AUTH a b c
            AUTH
            PING
            """,
        ["reset"] = """
            SELECT 1
            SET a 1
            CLIENT SETNAME named
            MULTI
            SET b 2
            RESET
            EXEC
            CLIENT GETNAME
            GET a
            HELLO 3
            RESET
            GET missing
            RESET extra
            """,
        ["multi-then-quit"] = """
            MULTI
            SET a 1
            QUIT
            CLOSED?
            @2 EXISTS a
            """,
        ["protocol-error-too-big-inline-request"] = $"""
            RAW {new string('a', 70_000)}
            CLOSED?
            """,
        ["protocol-error-too-big-bulk-count"] = $"""
            RAW *1\r\n{new string('x', 70_000)}
            CLOSED?
            """,
        ["protocol-error-too-big-mbulk-count"] = $"""
            RAW *{new string('1', 70_000)}
            CLOSED?
            """,
        ["quit"] = """
            QUIT
            CLOSED?
            """,
        // Whole lines sent in one write: Redis reads up to 80 KB (160 KB for a bulk length line) before it first looks
        // for the end of a line, so a 70 KB line is read and judged by its content; just under the limit, at it and
        // far over it (RequestLimits.LineScanLimit / BulkLineScanLimit; lengths below are the index of the line's end).
        ["long-count-line-70k"] = $"""
            RAW *{new string('1', 69_999)}\r\n
            CLOSED?
            """,
        ["long-count-line-under-limit"] = $"""
            RAW *{new string('1', 81_908)}\r\n
            CLOSED?
            """,
        ["long-count-line-at-limit"] = $"""
            RAW *{new string('1', 81_909)}\r\n
            CLOSED?
            """,
        ["long-count-line-far-over"] = $"""
            RAW *{new string('1', 300_000)}\r\n
            CLOSED?
            """,
        ["long-bulk-line-70k"] = $"""
            RAW *1\r\n${new string('1', 69_999)}\r\n
            CLOSED?
            """,
        // Redis's second read of a bulk length line is sized by timing: well under its limit here (the edge is in LineLimitTests).
        ["long-bulk-line-under-limit"] = $"""
            RAW *1\r\n${new string('1', 119_999)}\r\n
            CLOSED?
            """,
        ["long-bulk-line-at-limit"] = $"""
            RAW *1\r\n${new string('1', 163_829)}\r\n
            CLOSED?
            """,
        ["long-inline-70k"] = $"""
            RAW ECHO {new string('a', 69_994)}\r\n
            PING
            """,
        ["long-inline-under-limit"] = $"""
            RAW ECHO {new string('a', 81_903)}\r\n
            PING
            """,
        ["long-inline-at-limit"] = $"""
            RAW ECHO {new string('a', 81_904)}\r\n
            CLOSED?
            """,
        ["long-inline-far-over"] = $"""
            RAW ECHO {new string('a', 300_000)}\r\n
            CLOSED?
            """,
        // A NUL before the end of a line hides the end (Redis looks for it with strchr): no reply, until more than
        // 64 KB is buffered; then the line is too big.
        ["inline-nul"] = $"""
            SEND PING\x00\r\nPING\r\n
            RAW {new string('a', 70_000)}
            CLOSED?
            """,
        ["count-line-nul"] = $"""
            SEND *1\x00\r\n$4\r\nPING\r\n
            RAW {new string('a', 70_000)}
            CLOSED?
            """,
    };

    public static TheoryData<string> Cases => new(Scripts.Keys);

    [RequiresToolTheory("redis-server")]
    [MemberData(nameof(Cases))]
    public void Replies_match_redis(string script) => AssertSameReplies(Scripts[script]);
}
