using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Compatibility;

/// <summary>Numbered databases against redis-server: SELECT, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB.</summary>
public sealed class DatabaseCompatibilityTests(DifferentialFixture fixture) : DifferentialTestBase(fixture)
{
    private static readonly Dictionary<string, string> Scripts = new()
    {
        ["select"] = """
            SELECT 0
            SELECT 15
            SET a 15
            SELECT 16
            GET a
            SELECT -1
            SELECT abc
            SELECT 1.5
            SELECT " 1"
            SELECT 01
            SELECT ""
            SELECT 3000000000
            SELECT -3000000000
            SELECT 9223372036854775808
            SELECT
            SELECT 1 2
            GET a
            """,
        ["dbsize-flushdb"] = """
            DBSIZE
            MSET a 1 b 2
            DBSIZE
            SELECT 1
            SET c 3
            DBSIZE
            FLUSHDB
            DBSIZE
            SELECT 0
            DBSIZE
            FLUSHDB ASYNC
            DBSIZE
            SET a 1
            FLUSHDB SYNC
            DBSIZE
            FLUSHDB sync
            FLUSHDB async
            FLUSHDB FOO
            FLUSHDB ASYNC SYNC
            DBSIZE extra
            """,
        ["flushall"] = """
            SET a 1
            SELECT 3
            SET b 2
            FLUSHALL
            DBSIZE
            SELECT 0
            DBSIZE
            FLUSHALL ASYNC
            FLUSHALL SYNC
            FLUSHALL Async
            FLUSHALL FOO
            FLUSHALL SYNC ASYNC
            FLUSHALL ""
            """,
        ["swapdb"] = """
            SET a 0
            SELECT 1
            SET b 1
            SWAPDB 0 1
            GET a
            GET b
            SELECT 0
            GET b
            SWAPDB 0 0
            GET b
            SWAPDB 1 0
            GET a
            """,
        ["swapdb-errors"] = """
            SWAPDB 0 16
            SWAPDB 16 0
            SWAPDB -1 0
            SWAPDB abc 0
            SWAPDB 0 abc
            SWAPDB abc def
            SWAPDB 3000000000 0
            SWAPDB 0 3000000000
            SWAPDB 1.0 2
            SWAPDB "" 1
            SWAPDB 0
            SWAPDB 0 1 2
            """,
    };

    public static TheoryData<string> Cases => new(Scripts.Keys);

    [RequiresToolTheory("redis-server")]
    [MemberData(nameof(Cases))]
    public void Replies_match_redis(string script) => AssertSameReplies(Scripts[script]);
}
