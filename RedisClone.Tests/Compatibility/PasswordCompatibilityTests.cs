using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Compatibility;

/// <summary>
/// Both servers require a password: what a client sees before and after AUTH, and the limits on unauthenticated
/// requests. Not compared: HELLO without AUTH before authenticating, whose NOAUTH text changed in 7.2 (the node
/// words it as 7.2 does; the reference redis-server is 7.0).
/// </summary>
[Collection(PasswordDifferentialCollection.Name)]
public sealed class PasswordCompatibilityTests(PasswordDifferentialFixture fixture) : DifferentialTestBase(fixture)
{
    private static readonly Dictionary<string, string> Scripts = new()
    {
        ["before-auth"] = """
            GET k
            PING
            SET k v
            CLIENT SETNAME name
            SELECT 1
            FOO
            GET
            MULTI
            EXEC
            DISCARD
            QUIT
            CLOSED?
            """,
        ["auth-errors-then-auth"] = """
            AUTH wrong
            AUTH default wrong
            AUTH nobody s3cret
            AUTH a b c
            AUTH
            GET k
            AUTH s3cret
            SET k v
            GET k
            AUTH default s3cret
            AUTH wrong
            GET k
            """,
        ["hello-with-auth"] = """
            HELLO 3 AUTH default wrong
            HELLO 3 AUTH nobody s3cret
            HELLO 3 AUTH default
            GET k
            HELLO 3 AUTH default s3cret SETNAME named
            CLIENT GETNAME
            GET k
            """,
        ["reset-forgets-authentication"] = """
            AUTH s3cret
            SET k v
            RESET
            GET k
            AUTH s3cret
            GET k
            """,
        ["exec-refused-before-auth"] = """
            EXEC
            EXEC foo
            """,
        ["unauthenticated-multibulk-length"] = """
            RAW *11\r\n
            CLOSED?
            """,
        ["unauthenticated-ten-arguments-are-fine"] = """
            RAW *10\r\n$3\r\nFOO\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n
            PING
            """,
        ["unauthenticated-bulk-length"] = """
            RAW *2\r\n$4\r\nAUTH\r\n$16385\r\n
            CLOSED?
            """,
        ["unauthenticated-inline-has-no-argument-limit"] = """
            RAW a b c d e f g h i j k l\r\n
            RAW AUTH s3cret x y z 1 2 3 4 5 6 7 8\r\n
            PING
            """,
        ["authenticated-limits-are-lifted"] = $"""
            AUTH s3cret
            MSET a 1 b 2 c 3 d 4 e 5 f 6
            SET big {new string('v', 20_000)}
            STRLEN big
            """,
    };

    public static TheoryData<string> Cases => new(Scripts.Keys);

    [RequiresToolTheory("redis-server")]
    [MemberData(nameof(Cases))]
    public void Replies_match_redis(string script) => AssertSameReplies(Scripts[script]);
}
