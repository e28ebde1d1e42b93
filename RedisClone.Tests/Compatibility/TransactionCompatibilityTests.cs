using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Compatibility;

/// <summary>MULTI/EXEC/DISCARD/WATCH against redis-server, including what a second connection does to a WATCH.</summary>
public sealed class TransactionCompatibilityTests(DifferentialFixture fixture) : DifferentialTestBase(fixture)
{
    private static readonly Dictionary<string, string> Scripts = new()
    {
        ["multi-exec"] = """
            MULTI
            SET a 1
            INCR a
            GET a
            MGET a missing
            EXEC
            GET a
            """,
        ["multi-empty-exec"] = """
            MULTI
            EXEC
            """,
        ["multi-discard"] = """
            MULTI
            SET a 1
            DISCARD
            GET a
            DISCARD
            EXEC
            """,
        ["exec-discard-without-multi"] = """
            EXEC
            DISCARD
            EXEC foo
            DISCARD foo
            """,
        ["execabort-after-unknown-command"] = """
            MULTI
            SET a 1
            FOO bar
            SET b 2
            EXEC
            GET a
            EXEC
            """,
        ["execabort-after-arity-error"] = """
            MULTI
            SET a
            SET b 1
            EXEC
            EXISTS b
            """,
        ["execabort-after-unknown-subcommand"] = """
            MULTI
            OBJECT foo k
            SET b 1
            EXEC
            EXISTS b
            """,
        ["execabort-after-exec-with-arguments"] = """
            MULTI
            SET a 1
            EXEC foo
            EXEC
            EXISTS a
            """,
        ["exec-with-arguments-forgets-watches"] = """
            SET w 1
            WATCH w
            EXEC foo
            @2 SET w 2
            MULTI
            SET w 3
            EXEC
            """,
        ["runtime-errors-inside-exec"] = """
            SET s abc
            MULTI
            INCR s
            SET t 1
            SET t 1 EX 0
            INCRBY t x
            RENAME missing other
            GET t
            EXEC
            """,
        ["errors-at-exec-time-are-not-execabort"] = """
            MULTI
            SELECT 99
            SET a 1
            GETEX a EX 0
            INCRBYFLOAT a nan
            EXEC
            GET a
            """,
        ["connection-commands-inside-multi"] = """
            MULTI
            PING
            ECHO hi
            HELLO 2
            CLIENT SETNAME inmulti
            EXEC
            CLIENT GETNAME
            """,
        ["reset-inside-multi"] = """
            MULTI
            SET a 1
            RESET
            EXEC
            GET a
            """,
        ["nested-multi"] = """
            MULTI
            MULTI
            SET a 1
            EXEC
            GET a
            """,
        ["multi-with-arguments"] = """
            MULTI foo
            SET a 1
            EXEC
            """,
        ["watch-inside-multi"] = """
            MULTI
            WATCH a
            SET a 1
            EXEC
            GET a
            """,
        ["select-inside-multi"] = """
            MULTI
            SELECT 1
            SET a 1
            EXEC
            GET a
            SELECT 0
            GET a
            """,
        ["watch-modified-by-another-connection"] = """
            SET w 1
            WATCH w
            @2 SET w 2
            MULTI
            SET w 3
            EXEC
            GET w
            """,
        ["watch-unmodified"] = """
            SET w 1
            WATCH w
            @2 GET w
            @2 SET other 1
            MULTI
            SET w 3
            EXEC
            GET w
            """,
        ["watch-missing-key-created"] = """
            WATCH nothere
            @2 SET nothere 1
            MULTI
            PING
            EXEC
            """,
        ["watch-missing-key-stays-missing"] = """
            WATCH nothere
            @2 DEL nothere
            MULTI
            PING
            EXEC
            """,
        ["watch-expire-by-another-connection"] = """
            SET w 1
            WATCH w
            @2 EXPIRE w 100
            MULTI
            PING
            EXEC
            """,
        ["watch-flushall-by-another-connection"] = """
            SET w 1
            WATCH w
            @2 FLUSHALL
            MULTI
            PING
            EXEC
            """,
        ["watch-swapdb-by-another-connection"] = """
            SET w 1
            WATCH w
            @2 SWAPDB 0 1
            MULTI
            PING
            EXEC
            """,
        ["watch-missing-key-flushall-by-another-connection"] = """
            WATCH nothere
            @2 SET other 1
            @2 FLUSHALL
            MULTI
            PING
            EXEC
            """,
        ["watch-other-database"] = """
            SELECT 1
            WATCH w
            @2 SET w 2
            MULTI
            PING
            EXEC
            """,
        ["watch-key-already-expired"] = """
            SET k v PXAT 1
            WATCH k
            MULTI
            PING
            EXEC
            """,
        ["watch-key-already-expired-then-read-by-another-connection"] = """
            SET k v PXAT 1
            WATCH k
            @2 GET k
            MULTI
            PING
            EXEC
            """,
        ["watch-key-already-expired-then-set-by-another-connection"] = """
            SET k v PXAT 1
            WATCH k
            @2 SET k new
            MULTI
            PING
            EXEC
            """,
        ["watch-key-already-expired-then-flushall"] = """
            SET k v PXAT 1
            WATCH k
            @2 FLUSHALL
            MULTI
            PING
            EXEC
            """,
        ["watch-key-already-expired-then-swapdb"] = """
            SET k v PXAT 1
            WATCH k
            @2 SWAPDB 0 1
            MULTI
            PING
            EXEC
            """,
        ["watch-missing-key-then-swapdb-brings-an-expired-one"] = """
            SELECT 1
            SET w v PXAT 1
            SELECT 0
            WATCH w
            @2 SWAPDB 0 1
            MULTI
            PING
            EXEC
            """,
        ["watch-missing-key-then-swapdb-brings-a-live-one"] = """
            SELECT 1
            SET w v
            SELECT 0
            WATCH w
            @2 SWAPDB 0 1
            MULTI
            PING
            EXEC
            """,
        ["watch-key-in-neither-database-then-swapdb"] = """
            WATCH nothere
            @2 SWAPDB 0 1
            MULTI
            PING
            EXEC
            """,
        ["watch-then-unwatch"] = """
            SET w 1
            WATCH w
            @2 SET w 2
            UNWATCH
            MULTI
            SET w 3
            EXEC
            GET w
            """,
        ["watch-is-cleared-by-exec"] = """
            WATCH w
            MULTI
            EXEC
            @2 SET w 2
            MULTI
            SET w 3
            EXEC
            """,
        ["watch-modified-by-own-connection"] = """
            WATCH w
            SET w mine
            MULTI
            GET w
            EXEC
            """,
        ["watch-modified-then-discard"] = """
            WATCH w
            @2 SET w 2
            MULTI
            DISCARD
            MULTI
            GET w
            EXEC
            """,
        ["watch-arity"] = """
            WATCH
            UNWATCH foo
            """,
    };

    /// <summary>
    /// Which commands from another connection abort a transaction watching "k" (a string without TTL, with "k2" beside
    /// it): real changes must, and commands that change nothing (failed conditions, no-op writes, reads, other
    /// databases) must not.
    /// </summary>
    private static string WatchTouchedBy()
    {
        string[] others =
        [
            "GET k", "EXISTS k", "TYPE k", "TOUCH k", "OBJECT ENCODING k", "TTL k", "STRLEN k", "GETRANGE k 0 -1",
            "PERSIST k", "EXPIRE k 100 GT", "EXPIRE k 100 XX", "EXPIRE k 100", "EXPIRE k 0", "PEXPIREAT k 1",
            "SET k v NX", "SET k v XX", "SET k w", "SET k v KEEPTTL", "SETNX k v", "MSETNX k v x y", "MSET x y", "SETRANGE k 0 \"\"",
            "SETRANGE k 0 v", "APPEND k \"\"", "GETEX k", "GETEX k PERSIST", "GETEX k EX 100", "GETSET k v", "GETDEL k", "INCR k",
            "INCRBYFLOAT k 1", "DEL missing", "DEL k", "UNLINK k", "RENAME k k", "RENAME k k3", "RENAME k2 k", "RENAMENX k2 k",
            "COPY k k3", "COPY k2 k", "COPY k2 k REPLACE", "MOVE k 1", "MOVE k2 1", "FLUSHDB", "SWAPDB 1 2", "SWAPDB 0 1",
        ];
        var lines = new List<string>();
        foreach (string other in others)
        {
            lines.Add("FLUSHALL");
            lines.Add("MSET k v k2 w");
            lines.Add("WATCH k");
            lines.Add("@2 " + other);
            lines.Add("MULTI");
            lines.Add("PING");
            lines.Add("EXEC");
        }
        return string.Join('\n', lines);
    }

    static TransactionCompatibilityTests()
    {
        Scripts["watch-touched-by-another-connection"] = WatchTouchedBy();
    }

    public static TheoryData<string> Cases => new(Scripts.Keys);

    [RequiresToolTheory("redis-server")]
    [MemberData(nameof(Cases))]
    public void Replies_match_redis(string script) => AssertSameReplies(Scripts[script]);
}
