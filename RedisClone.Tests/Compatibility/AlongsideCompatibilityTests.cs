using RedisClone.Tests.Diagnostics;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Compatibility;

/// <summary>
/// The commands clients and tools expect alongside the data types (SLOWLOG, LATENCY, MEMORY, ACL WHOAMI/CAT, WAIT,
/// CLIENT REPLY, CONFIG SET save), where the reply is deterministic: byte for byte against redis-server. The redis-server
/// is shared by every case, so each script puts back every setting it changes.
/// </summary>
public sealed class AlongsideCompatibilityTests(DifferentialFixture fixture) : DifferentialTestBase(fixture)
{
    private static readonly Dictionary<string, string> Scripts = new()
    {
        ["slowlog-errors"] = """
            SLOWLOG GET abc
            SLOWLOG GET -2
            SLOWLOG GET 1.5
            SLOWLOG GET 99999999999999999999
            SLOWLOG GET 1 2
            SLOWLOG get 1 2
            SLOWLOG LEN x
            SLOWLOG RESET x
            SLOWLOG HELP x
            SLOWLOG NOSUCH
            SLOWLOG
            CONFIG SET slowlog-log-slower-than -2
            CONFIG SET slowlog-log-slower-than abc
            CONFIG SET slowlog-max-len -1
            CONFIG SET slowlog-max-len 1k
            CONFIG GET slowlog-log-slower-than
            CONFIG GET slowlog-max-len
            """,
        // With slowlog-log-slower-than 0 every command is logged, SLOWLOG RESET included (it is logged after it ran).
        ["slowlog-counts"] = """
            CONFIG SET slowlog-log-slower-than -1
            SLOWLOG RESET
            PING
            SLOWLOG LEN
            SLOWLOG GET
            SLOWLOG GET 0
            CONFIG SET slowlog-log-slower-than 0
            SLOWLOG RESET
            PING
            SET a 1
            SLOWLOG LEN
            SLOWLOG GET 0
            MULTI
            SET a 2
            EXEC
            SLOWLOG LEN
            GET a
            SLOWLOG LEN x
            SLOWLOG LEN
            CONFIG SET slowlog-max-len 2
            PING
            SLOWLOG LEN
            CONFIG SET slowlog-max-len 0
            SLOWLOG LEN
            CONFIG SET slowlog-log-slower-than 10000 slowlog-max-len 128
            SLOWLOG RESET
            SLOWLOG LEN
            """,
        ["latency"] = """
            LATENCY LATEST
            LATENCY HISTORY command
            LATENCY HISTORY fast-command
            LATENCY RESET
            LATENCY RESET command nosuch
            LATENCY DOCTOR
            LATENCY HISTORY
            LATENCY HISTORY a b
            LATENCY LATEST x
            LATENCY DOCTOR x
            LATENCY NOSUCH
            LATENCY
            CONFIG SET latency-monitor-threshold -1
            CONFIG SET latency-monitor-threshold abc
            CONFIG GET latency-monitor-threshold
            HELLO 3
            LATENCY DOCTOR
            LATENCY LATEST
            """,
        ["memory-usage"] = """
            MEMORY USAGE nokey
            SET k 1
            MEMORY USAGE k
            SET k 9999
            MEMORY USAGE k
            SET k 12345
            MEMORY USAGE k
            SET k -9223372036854775808
            MEMORY USAGE k
            SET k 99999999999999999999
            MEMORY USAGE k
            SET k ""
            MEMORY USAGE k
            SET k abc
            MEMORY USAGE k
            SET k abcdefghijklmnopqrstuvwxyz
            MEMORY USAGE k
            SET k abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqr
            MEMORY USAGE k
            SET k abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrs
            MEMORY USAGE k
            SET k v EX 100
            MEMORY USAGE k
            SET abcdefghijklmnopqrstuvwxyzabcdef v
            MEMORY USAGE abcdefghijklmnopqrstuvwxyzabcdef
            SET abcdefghijklmnopqrstuvwxyzabcde v
            MEMORY USAGE abcdefghijklmnopqrstuvwxyzabcde
            INCR counter
            MEMORY USAGE counter
            INCRBYFLOAT f 1.5
            MEMORY USAGE f
            SETRANGE r 5 abc
            MEMORY USAGE r
            SET ap abc
            APPEND ap def
            MEMORY USAGE ap
            MEMORY USAGE k SAMPLES 0
            MEMORY USAGE k SAMPLES 5 SAMPLES 1
            MEMORY USAGE k samples 100
            HELLO 3
            MEMORY USAGE nokey
            MEMORY USAGE k
            """,
        ["memory-errors"] = """
            SET k v
            MEMORY USAGE k SAMPLES abc
            MEMORY USAGE k SAMPLES -1
            MEMORY USAGE k SAMPLES
            MEMORY USAGE k FOO 1
            MEMORY USAGE k SAMPLES 99999999999999999999
            MEMORY USAGE
            MEMORY DOCTOR x
            MEMORY STATS x
            MEMORY PURGE x
            MEMORY MALLOC-STATS x
            MEMORY NOSUCH
            MEMORY
            MEMORY PURGE
            """,
        ["wait"] = """
            WAIT 0 0
            WAIT -1 0
            WAIT 0 100
            WAIT -5 9223372036854775807
            WAIT abc 0
            WAIT 0 abc
            WAIT 0 -1
            WAIT 1.5 0
            WAIT 0 1.5
            WAIT abc -1
            WAIT 0
            WAIT 0 0 0
            MULTI
            WAIT 0 0
            EXEC
            """,
        ["acl"] = """
            ACL WHOAMI
            ACL WHOAMI x
            ACL CAT
            ACL CAT nosuch
            ACL CAT a b
            ACL NOSUCH
            ACL
            HELLO 3
            ACL WHOAMI
            ACL CAT
            """,
        ["config-save"] = """
            CONFIG GET save
            CONFIG SET save "3600 1 300 100"
            CONFIG GET save
            CONFIG SET save "60 "
            CONFIG GET save
            CONFIG SET save "+60 010"
            CONFIG GET save
            CONFIG SET save " 5 -0"
            CONFIG GET save
            CONFIG SET save 3600
            CONFIG SET save "abc 1"
            CONFIG SET save "-1 1"
            CONFIG SET save "0 0"
            CONFIG SET save "1 -1"
            CONFIG SET save "  60   10  "
            CONFIG SET save " "
            CONFIG SET save "60 10 x"
            CONFIG SET save 1x 1
            CONFIG GET save
            CONFIG SET save ""
            CONFIG GET save
            CONFIG SET appendonly maybe
            CONFIG SET appendonly no
            CONFIG SET appendonly NO
            CONFIG GET appendonly
            """,
        // OFF and SKIP answer nothing: they and the commands they silence are sent without reading a reply, so any
        // stray reply would show up as the next command's.
        ["client-reply"] = """
            SEND *3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n
            SEND *3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n
            SEND *2\r\n$3\r\nGET\r\n$1\r\na\r\n
            SEND *1\r\n$6\r\nNOSUCH\r\n
            SEND *2\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n
            SEND *3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n
            SEND *1\r\n$4\r\nPING\r\n
            CLIENT REPLY ON
            GET a
            SEND *3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n
            SEND *2\r\n$3\r\nGET\r\n$1\r\na\r\n
            PING
            SEND *3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nskip\r\n
            CLIENT REPLY ON
            SEND *3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n
            SEND *3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n
            PING
            SEND CLIENT REPLY OFF\r\nINCR a\r\nINCR a\r\n
            CLIENT REPLY on
            GET a
            CLIENT REPLY ON
            CLIENT REPLY foo
            CLIENT REPLY
            CLIENT REPLY ON x
            MULTI
            CLIENT REPLY ON
            EXEC
            """,
        ["client-kill-errors"] = """
            CLIENT KILL USER nosuch
            CLIENT KILL USER nosuch ID 1
            CLIENT KILL ID 1 USER nosuch
            CLIENT KILL SKIPME
            CLIENT KILL ID 1 SKIPME
            CLIENT KILL ID -1
            CLIENT KILL TYPE replica ID 1
            CLIENT KILL TYPE slave ID 1
            CLIENT KILL TYPE master
            CLIENT KILL TYPE REPLICA
            CLIENT KILL ADDR 203.0.113.1:5
            CLIENT KILL LADDR 203.0.113.1:5
            CLIENT KILL ADDR 203.0.113.1:5 SKIPME no
            CLIENT KILL ID 999999 ID 999998
            CLIENT KILL 203.0.113.1
            CLIENT LIST TYPE replica
            CLIENT LIST TYPE master
            """,
    };

    public static TheoryData<string> Cases => new(Scripts.Keys);

    [RequiresToolTheory("redis-server")]
    [MemberData(nameof(Cases))]
    public void Replies_match_redis(string script) => AssertSameReplies(Scripts[script]);

    /// <summary>
    /// SLOWLOG keeps at most 32 arguments and 128 bytes of each, and hides passwords: the arguments it shows for the
    /// same commands must be redis-server's (ids, times, durations and addresses differ, and are not compared).
    /// </summary>
    [RequiresToolFact("redis-server")]
    public void Slowlog_keeps_arguments_as_redis_does()
    {
        Assert.True(Fixture.Redis.Available, "redis-server is not running:\n" + Fixture.Redis.Log);
        string[][] commands =
        [
            ["ECHO", new string('a', 128)],
            ["ECHO", new string('b', 129)],
            ["ECHO", new string('c', 1000)],
            ["DEL", .. Enumerable.Range(0, 31).Select(i => "k" + i)],
            ["DEL", .. Enumerable.Range(0, 32).Select(i => "k" + i)],
            ["DEL", .. Enumerable.Range(0, 100).Select(i => i == 50 ? new string('x', 300) : "k" + i)],
            ["MSET", .. Enumerable.Range(0, 40).SelectMany(i => new[] { "k" + i, new string('v', 200) })],
            ["AUTH", "nosuch-password"],
            ["AUTH", "someone", "nosuch-password"],
            ["HELLO", "2", "AUTH", "someone", "nosuch-password"],
            ["CONFIG", "SET", "requirepass", ""],
        ];
        Assert.Equal(SlowlogArguments(Fixture.Redis.Port, commands), SlowlogArguments(Fixture.Node.Port, commands));
    }

    /// <summary>Runs each command with every command logged, then reads back the arguments the slow log kept for it.</summary>
    private static List<string> SlowlogArguments(int port, string[][] commands)
    {
        using RawClient client = RawClient.Connect(port);
        Assert.Equal("+OK\r\n", client.Call("CONFIG", "SET", "slowlog-log-slower-than", "0"));
        try
        {
            var kept = new List<string>();
            foreach (string[] command in commands)
            {
                Assert.Equal("+OK\r\n", client.Call("SLOWLOG", "RESET"));
                client.Call(command);
                // Newest first: the command, then the RESET.
                List<object?> entries = RespValue.List(RespValue.Parse(client.Call("SLOWLOG", "GET", "2")));
                List<object?> arguments = RespValue.List(RespValue.List(entries[0])[3]);
                kept.Add(string.Join(" | ", arguments));
            }
            return kept;
        }
        finally
        {
            Assert.Equal("+OK\r\n", client.Call("CONFIG", "SET", "slowlog-log-slower-than", "10000"));
            client.Call("SLOWLOG", "RESET");
        }
    }

    /// <summary>MEMORY USAGE of bigger strings and keys, past each sds header and allocation size step.</summary>
    [RequiresToolFact("redis-server")]
    public void Memory_usage_of_big_strings_matches_redis()
    {
        var lines = new List<string>();
        foreach (int keyLength in (int[])[1, 31, 32, 100, 255, 256, 300])
        {
            foreach (int valueLength in (int[])[0, 44, 45, 60, 100, 200, 251, 252, 300, 1000, 5000, 40000, 65530, 65531, 70000])
            {
                string key = new('k', keyLength);
                lines.Add($"SET {key} {(valueLength == 0 ? "\"\"" : new string('v', valueLength))}");
                lines.Add($"MEMORY USAGE {key}");
                lines.Add($"DEL {key}");
            }
        }
        AssertSameReplies(string.Join('\n', lines));
    }
}
