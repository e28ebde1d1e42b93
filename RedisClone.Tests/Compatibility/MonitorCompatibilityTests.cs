using System.Text;
using System.Text.RegularExpressions;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Compatibility;

/// <summary>
/// MONITOR against redis-server: the lines a monitor receives for other clients' commands (which are shown, hidden
/// or redacted, in which database, in which order), and what a monitor may still send itself. Timestamps and client
/// addresses differ between any two runs, so each line's time must have Redis's shape and is then masked, and each
/// address becomes "client N" by order of first appearance; everything else is compared exactly.
/// </summary>
public sealed partial class MonitorCompatibilityTests(DifferentialFixture fixture) : DifferentialTestBase(fixture)
{
    private const string EndOfScript = "end-of-monitor-script";

    [RequiresToolFact("redis-server")]
    public void Lines_for_other_clients_match_redis()
    {
        const string script = """
            SET plain value
            SET "quote\" backslash\\ crlf\r\n tab\t" "\x00\x01\x7f\x80\xff \xc3\xa9"
            GET plain
            INCR plain
            NOSUCH command
            GET
            SELECT 3
            SET in3 x
            RAW GET   in3\r\n
            @2 CONFIG GET maxclients
            @2 CLIENT LIST
            @2 CLIENT KILL ID 987654
            @2 CLIENT SETNAME watched
            @2 CLIENT GETNAME
            @2 INFO keyspace
            @2 AUTH secret
            @2 AUTH someone secret
            @2 AUTH a b c d
            @2 HELLO 3 AUTH default secret
            @2 HELLO 4 AUTH default secret
            @2 HELLO 3 AUTH default
            @2 HELLO 2 SETNAME again
            @3 MULTI
            @3 SET t 1
            @3 INCR t
            @3 SELECT 2
            @3 CONFIG GET hz
            @3 EXEC
            @3 MULTI
            @3 GET
            @3 EXEC
            @3 MULTI
            @3 EXEC extra
            @3 MULTI
            @3 DISCARD
            @3 WATCH t
            @3 UNWATCH
            @4 SUBSCRIBE news
            @4 PSUBSCRIBE n*
            @5 PUBLISH news hello
            @4 READ
            @4 READ
            @4 GET plain
            @4 UNSUBSCRIBE news
            @4 PUNSUBSCRIBE
            @4 PING
            @6 CLUSTER MEET 127.0.0.1 1
            @6 CLUSTER INFO
            @6 COMMAND COUNT
            @6 RESET
            @6 QUIT
            """;
        Assert.True(Fixture.Redis.Available, "redis-server is not running:\n" + Fixture.Redis.Log);
        List<string> expected = LinesSeenByMonitor(Fixture.Redis.Port, script);
        List<string> actual = LinesSeenByMonitor(Fixture.Node.Port, script);
        Assert.True(expected.SequenceEqual(actual), Report(expected, actual));
    }

    [RequiresToolFact("redis-server")]
    public void What_a_monitor_may_send_matches_redis()
    {
        // Each step's transcript holds everything its connection received up to a sentinel PING sent after it
        // (inside MULTI, up to the sentinel's QUEUED; EXEC's reply then holds the queued sentinels' replies).
        const string script = """
            MONITOR
            PING
            ECHO hi
            GET k
            SET k v
            KEYS *
            SCAN 0
            DBSIZE
            FLUSHALL
            PUBLISH c m
            SPUBLISH c m
            SELECT 1
            CLIENT SETNAME mon
            CONFIG GET maxclients
            PUBSUB CHANNELS
            nosuch
            GET
            WATCH k
            UNWATCH
            MULTI
            SET a 1
            PING inside
            EXEC
            MONITOR
            @2 SET k from-two
            SUBSCRIBE x
            PUBLISH x m
            RESET
            @2 SET k after-reset
            GET k
            @3 MULTI
            @3 MONITOR
            @3 EXEC
            @3 PING
            @4 SUBSCRIBE c
            @4 MONITOR
            @5 HELLO 3
            @5 MONITOR
            @2 SET k resp3
            @5 PING
            @5 QUIT
            """;
        Assert.True(Fixture.Redis.Available, "redis-server is not running:\n" + Fixture.Redis.Log);
        List<string> expected = MonitorSideTranscript(Fixture.Redis.Port, script);
        List<string> actual = MonitorSideTranscript(Fixture.Node.Port, script);
        Assert.True(expected.SequenceEqual(actual), Report(expected, actual));
    }

    /// <summary>Starts a monitor, runs the script on other connections, and returns the normalized lines it received.</summary>
    private static List<string> LinesSeenByMonitor(int port, string script)
    {
        using RawClient monitor = RawClient.Connect(port);
        Assert.Equal("+OK\r\n", monitor.Call("MONITOR"));
        DifferentialScript.Run(port, DifferentialScript.Parse(script));
        using (RawClient last = RawClient.Connect(port))
        {
            last.Call("ECHO", EndOfScript);
        }
        var normalizer = new Normalizer();
        var lines = new List<string>();
        while (true)
        {
            string line = Encoding.Latin1.GetString(monitor.ReadReplyBytes());
            if (line.EndsWith($"\"ECHO\" \"{EndOfScript}\"\r\n", StringComparison.Ordinal))
            {
                return lines;
            }
            lines.Add(normalizer.Normalize(line));
        }
    }

    /// <summary>
    /// Runs each step on its connection, then PING with a sentinel on the same connection, and records everything that
    /// connection received up to the sentinel's reply (or that it was closed).
    /// </summary>
    private static List<string> MonitorSideTranscript(int port, string script)
    {
        using (RawClient admin = RawClient.Connect(port))
        {
            Assert.Equal("+OK\r\n", admin.Call("FLUSHALL"));
        }
        var connections = new Dictionary<int, RawClient>();
        var normalizer = new Normalizer();
        var transcript = new List<string>();
        try
        {
            int sequence = 0;
            foreach (ScriptStep step in DifferentialScript.Parse(script))
            {
                if (!connections.TryGetValue(step.Connection, out RawClient? client))
                {
                    client = RawClient.Connect(port);
                    connections[step.Connection] = client;
                }
                string sentinel = "sentinel-" + sequence++;
                var received = new StringBuilder().Append("[c").Append(step.Connection).Append("] ").Append(step.Source).Append(" =>");
                try
                {
                    client.Send(step.Bytes);
                    client.Command("PING", sentinel);
                    for (int replies = 1; ; replies++)
                    {
                        string reply = Encoding.Latin1.GetString(client.ReadReplyBytes());
                        received.Append(' ').Append(DifferentialScript.Show(Encoding.Latin1.GetBytes(normalizer.Normalize(reply))));
                        // The sentinel's reply; inside MULTI the sentinel is queued instead (after the step's own reply).
                        if ((reply[0] != '+' && reply.Contains(sentinel, StringComparison.Ordinal)) || (replies >= 2 && reply == "+QUEUED\r\n"))
                        {
                            break;
                        }
                    }
                }
                catch (Exception ex) when (ex is EndOfStreamException or IOException)
                {
                    received.Append(" <closed>");
                }
                transcript.Add(received.ToString());
            }
        }
        finally
        {
            foreach (RawClient client in connections.Values)
            {
                client.Dispose();
            }
        }
        return transcript;
    }

    private static string Report(List<string> expected, List<string> actual)
    {
        var report = new StringBuilder("MONITOR output differs from redis-server's (!! marks each difference):\n");
        for (int i = 0; i < Math.Max(expected.Count, actual.Count); i++)
        {
            string redis = i < expected.Count ? expected[i] : "<nothing>";
            string node = i < actual.Count ? actual[i] : "<nothing>";
            report.Append(redis == node ? "   " : "!! ").Append("redis: ").AppendLine(redis);
            if (redis != node)
            {
                report.Append("   node:  ").AppendLine(node);
            }
        }
        return report.ToString();
    }

    /// <summary>Masks each monitor line's time (after checking its shape) and names addresses by first appearance.</summary>
    private sealed class Normalizer
    {
        private readonly Dictionary<string, string> _clients = [];

        public string Normalize(string reply)
        {
            Match line = MonitorLineShape().Match(reply);
            if (!line.Success)
            {
                // HELLO's reply carries the server's version and the client's id, which differ between servers.
                return HelloId().Replace(HelloVersion().Replace(reply, "$1<version>\r\n"), "$1<id>\r\n");
            }
            string address = line.Groups["address"].Value;
            if (!_clients.TryGetValue(address, out string? name))
            {
                name = "client " + (_clients.Count + 1);
                _clients[address] = name;
            }
            return $"+<time> [{line.Groups["db"].Value} {name}] {line.Groups["command"].Value}\r\n";
        }
    }

    [GeneratedRegex(@"^\+\d{10}\.\d{6} \[(?<db>\d+) (?<address>127\.0\.0\.1:\d+)\] (?<command>.*)\r\n$", RegexOptions.Singleline)]
    private static partial Regex MonitorLineShape();

    [GeneratedRegex(@"(\$7\r\nversion\r\n)\$\d+\r\n[0-9.]+\r\n")]
    private static partial Regex HelloVersion();

    [GeneratedRegex(@"(\$2\r\nid\r\n):\d+\r\n")]
    private static partial Regex HelloId();
}
