using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Compatibility;

/// <summary>
/// The parts of CLIENT, CONFIG and COMMAND whose replies do not depend on the server (ids, addresses, versions and
/// the command table's size do, and are not compared). Known, not fixed: COMMAND INFO's key specifications (the node
/// sends none) and CLIENT KILL MAXAGE (newer than the 7.0 reference server).
/// </summary>
public sealed class ServerCompatibilityTests(DifferentialFixture fixture) : DifferentialTestBase(fixture)
{
    private static readonly Dictionary<string, string> Scripts = new()
    {
        ["client-errors"] = """
            CLIENT KILL 203.0.113.1:5
            CLIENT KILL ID abc
            CLIENT KILL ID 0
            CLIENT KILL ID 999999
            CLIENT KILL FOO bar
            CLIENT KILL ID
            CLIENT KILL SKIPME maybe
            CLIENT KILL TYPE foo
            CLIENT LIST TYPE foo
            CLIENT LIST ID abc
            CLIENT LIST ID 0
            CLIENT LIST ID 999999
            CLIENT LIST FOO
            CLIENT LIST TYPE
            CLIENT GETNAME extra
            CLIENT ID extra
            """,
        // Only CONFIG SETs that fail on both, or that set a default value again: the redis-server is shared by every case.
        ["config"] = """
            CONFIG GET databases
            CONFIG GET maxclients
            CONFIG GET MaxClients
            CONFIG GET max?lients
            CONFIG GET nosuch
            CONFIG GET
            CONFIG SET nosuch 1
            CONFIG SET maxclients
            CONFIG SET maxclients 100 timeout
            CONFIG SET maxclients abc
            CONFIG SET MAXCLIENTS abc
            CONFIG SET maxclients 0
            CONFIG SET maxclients 4294967296
            CONFIG SET maxclients -1
            CONFIG SET maxclients 10000
            CONFIG SET timeout -1
            CONFIG SET timeout 2147483648
            CONFIG SET timeout 01
            CONFIG SET timeout +1
            CONFIG SET timeout " 1"
            CONFIG SET timeout 0
            CONFIG SET proto-max-bulk-len abc
            CONFIG SET proto-max-bulk-len 1000
            CONFIG SET proto-max-bulk-len -1
            CONFIG SET proto-max-bulk-len ""
            CONFIG SET proto-max-bulk-len 1x
            CONFIG SET proto-max-bulk-len 512MB
            CONFIG GET proto-max-bulk-len
            CONFIG SET client-query-buffer-limit 1k
            CONFIG SET client-query-buffer-limit 1gb
            CONFIG SET hz 10
            CONFIG SET databases 32
            CONFIG SET databases 1 nosuch 2
            CONFIG SET nosuch 1 databases 2
            CONFIG SET maxclients 100 maxclients 200
            CONFIG SET maxclients 100 timeout abc
            CONFIG GET maxclients
            CONFIG foo
            CONFIG RESETSTAT extra
            CONFIG HELP x
            """,
        // Only keys without a TTL: avg_ttl depends on the clock.
        ["info-keyspace"] = """
            INFO keyspace
            SET a 1
            MSET b 2 c 3
            SELECT 5
            SET d 4
            INFO keyspace
            INFO KEYSPACE
            INFO keyspace keyspace
            INFO nosuch
            """,
        ["command-lookups"] = """
            COMMAND INFO nosuch
            COMMAND DOCS nosuch
            COMMAND INFO nosuch other
            COMMAND LIST FILTERBY FOO bar
            COMMAND LIST FOO
            COMMAND COUNT extra
            COMMAND foo
            """,
    };

    public static TheoryData<string> Cases => new(Scripts.Keys);

    [RequiresToolTheory("redis-server")]
    [MemberData(nameof(Cases))]
    public void Replies_match_redis(string script) => AssertSameReplies(Scripts[script]);
}
