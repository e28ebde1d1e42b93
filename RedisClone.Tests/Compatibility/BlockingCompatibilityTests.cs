using System.Text.RegularExpressions;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Compatibility;

/// <summary>
/// The blocking list commands with several connections, the same scenario run against redis-server and the node and
/// the transcripts compared: who is served first, by what (a push from another client, a push inside MULTI/EXEC, an
/// LMOVE into the key), timeouts in RESP2 and RESP3, CLIENT UNBLOCK, pipelined commands behind a blocked one, a
/// client that disconnects while blocked, CLIENT LIST's flags and cmd, INFO's blocked_clients and keyspace events.
/// A scenario waits for a client to be blocked by polling INFO with a deadline, never by sleeping.
/// </summary>
public sealed partial class BlockingCompatibilityTests(DifferentialFixture fixture) : DifferentialTestBase(fixture)
{
    public static TheoryData<string> Scenarios => new(ScenarioTable.Keys);

    private static readonly Dictionary<string, Func<int, List<string>>> ScenarioTable = new()
    {
        ["served-in-blocking-order-after-exec"] = ServedInOrderAfterExec,
        ["pipelined-commands-wait-for-the-blocked-one"] = PipelinedBehindBlocked,
        ["timeouts-resp2-and-resp3"] = Timeouts,
        ["client-unblock"] = ClientUnblock,
        ["blmove-served-into-wrong-type"] = BlmoveWrongTypeDestination,
        ["blmpop-and-brpoplpush-served"] = MultiPopServed,
        ["disconnected-client-is-forgotten"] = Disconnected,
        ["events-and-watch-when-served"] = EventsAndWatch,
        ["swapdb-brings-the-key-in"] = SwapDbServes,
    };

    [RequiresToolTheory("redis-server")]
    [MemberData(nameof(Scenarios))]
    public void Scenario_matches_redis(string scenario)
    {
        Assert.True(Fixture.Redis.Available, "redis-server is not running:\n" + Fixture.Redis.Log);
        List<string> expected = ScenarioTable[scenario](Fixture.Redis.Port);
        List<string> actual = ScenarioTable[scenario](Fixture.Node.Port);
        Assert.Equal(expected, actual);
    }

    internal static RawClient Fresh(int port)
    {
        RawClient admin = RawClient.Connect(port);
        admin.Call("FLUSHALL");
        return admin;
    }

    /// <summary>Waits (deadline 10 s) until INFO clients reports <paramref name="count"/> blocked clients.</summary>
    internal static void WaitBlocked(RawClient admin, int count)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (BlockedClients(admin) != count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"blocked_clients never reached {count}");
            Thread.Yield();
        }
    }

    private static int BlockedClients(RawClient admin) =>
        int.Parse(BlockedField().Match(admin.Call("INFO", "clients")).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"blocked_clients:(\d+)")]
    private static partial Regex BlockedField();

    /// <summary>CLIENT LIST's flags and cmd for one client.</summary>
    private static string FlagsAndCommand(RawClient admin, string id)
    {
        string line = admin.Call("CLIENT", "LIST", "ID", id);
        return Regex.Match(line, @" flags=(\S+) ").Groups[1].Value + " " + Regex.Match(line, @" cmd=(\S+) ").Groups[1].Value;
    }

    private static string Id(RawClient client) => client.Call("CLIENT", "ID")[1..^2];

    private static List<string> ServedInOrderAfterExec(int port)
    {
        using RawClient admin = Fresh(port);
        using RawClient first = RawClient.Connect(port);
        using RawClient second = RawClient.Connect(port);
        var t = new List<string>();
        string firstId = Id(first), secondId = Id(second);
        first.Command("BLPOP", "q", "other", "0");
        WaitBlocked(admin, 1);
        second.Command("BRPOP", "q", "0");
        WaitBlocked(admin, 2);
        t.Add(FlagsAndCommand(admin, firstId));
        t.Add(FlagsAndCommand(admin, secondId));
        t.Add(admin.Call("MULTI"));
        t.Add(admin.Call("RPUSH", "q", "a", "b", "c"));
        t.Add(admin.Call("LLEN", "q"));
        t.Add(admin.Call("EXEC")); // both waiters are served after EXEC, so LLEN inside it still sees 3
        t.Add(first.ReadReply());
        t.Add(second.ReadReply());
        t.Add(admin.Call("LRANGE", "q", "0", "-1"));
        t.Add(FlagsAndCommand(admin, firstId));
        t.Add(BlockedClients(admin).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return t;
    }

    private static List<string> PipelinedBehindBlocked(int port)
    {
        using RawClient admin = Fresh(port);
        using RawClient blocked = RawClient.Connect(port);
        var t = new List<string>();
        blocked.Send("*3\r\n$5\r\nBLPOP\r\n$1\r\nz\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nLLEN\r\n$1\r\nz\r\n");
        WaitBlocked(admin, 1);
        t.Add(admin.Call("RPUSH", "src", "moved", "kept"));
        t.Add(admin.Call("LMOVE", "src", "z", "LEFT", "RIGHT"));
        t.Add(blocked.ReadReply());
        t.Add(blocked.ReadReply());
        t.Add(blocked.ReadReply());
        t.Add(admin.Call("EXISTS", "z"));
        return t;
    }

    private static List<string> Timeouts(int port)
    {
        using RawClient admin = Fresh(port);
        using RawClient client = RawClient.Connect(port);
        var t = new List<string>
        {
            client.Call("BLPOP", "n", "0.05"),
            client.Call("BRPOP", "n", "m", ".02"),
            client.Call("BLMOVE", "n", "d", "LEFT", "RIGHT", "0.05"),
            client.Call("BRPOPLPUSH", "n", "d", "0.01"),
            client.Call("BLMPOP", "0.05", "2", "n", "m", "LEFT", "COUNT", "3"),
        };
        client.Call("HELLO", "3");
        t.Add(client.Call("BLPOP", "n", "0.05"));
        t.Add(client.Call("BLMOVE", "n", "d", "LEFT", "RIGHT", "0.05"));
        t.Add(client.Call("BLMPOP", "0.05", "1", "n", "RIGHT"));
        t.Add(admin.Call("EXISTS", "d"));
        return t;
    }

    private static List<string> ClientUnblock(int port)
    {
        using RawClient admin = Fresh(port);
        using RawClient client = RawClient.Connect(port);
        string id = Id(client);
        var t = new List<string>();
        client.Command("BLPOP", "n", "0");
        WaitBlocked(admin, 1);
        t.Add(admin.Call("CLIENT", "UNBLOCK", id));
        t.Add(client.ReadReply());
        client.Command("BLMOVE", "n", "d", "LEFT", "LEFT", "0");
        WaitBlocked(admin, 1);
        t.Add(admin.Call("CLIENT", "UNBLOCK", id, "timeout"));
        t.Add(client.ReadReply());
        client.Command("BLMPOP", "0", "1", "n", "LEFT");
        WaitBlocked(admin, 1);
        t.Add(admin.Call("CLIENT", "UNBLOCK", id, "ERROR"));
        t.Add(client.ReadReply());
        t.Add(admin.Call("CLIENT", "UNBLOCK", id));
        t.Add(admin.Call("CLIENT", "UNBLOCK", Id(admin)));
        t.Add(client.Call("PING"));
        return t;
    }

    private static List<string> BlmoveWrongTypeDestination(int port)
    {
        using RawClient admin = Fresh(port);
        using RawClient client = RawClient.Connect(port);
        var t = new List<string>();
        client.Command("BLMOVE", "n", "str", "LEFT", "RIGHT", "0");
        WaitBlocked(admin, 1);
        t.Add(admin.Call("SET", "str", "x"));
        t.Add(admin.Call("RPUSH", "n", "v"));
        t.Add(client.ReadReply());
        t.Add(admin.Call("LRANGE", "n", "0", "-1"));
        // A key of another type becoming "ready" serves nobody: the client stays blocked.
        client.Command("BLPOP", "s2", "0");
        WaitBlocked(admin, 1);
        t.Add(admin.Call("SET", "s2", "x"));
        t.Add(admin.Call("DEL", "s2"));
        t.Add(admin.Call("LPUSH", "s2", "finally"));
        t.Add(client.ReadReply());
        return t;
    }

    private static List<string> MultiPopServed(int port)
    {
        using RawClient admin = Fresh(port);
        using RawClient client = RawClient.Connect(port);
        var t = new List<string>();
        client.Command("BLMPOP", "0", "2", "m1", "m2", "RIGHT", "COUNT", "2");
        WaitBlocked(admin, 1);
        t.Add(admin.Call("RPUSH", "m2", "1", "2", "3"));
        t.Add(client.ReadReply());
        client.Command("BRPOPLPUSH", "e", "e", "0");
        WaitBlocked(admin, 1);
        t.Add(admin.Call("RPUSH", "e", "x", "y"));
        t.Add(client.ReadReply());
        t.Add(admin.Call("LRANGE", "e", "0", "-1"));
        // A chain: BLMOVE's push readies the key a second client waits on, which is served in the same round.
        using RawClient second = RawClient.Connect(port);
        client.Command("BLMOVE", "c1", "c2", "LEFT", "LEFT", "0");
        WaitBlocked(admin, 1);
        second.Command("BLPOP", "c2", "0");
        WaitBlocked(admin, 2);
        t.Add(admin.Call("LPUSH", "c1", "hop"));
        t.Add(client.ReadReply());
        t.Add(second.ReadReply());
        t.Add(admin.Call("EXISTS", "c1", "c2"));
        return t;
    }

    private static List<string> SwapDbServes(int port)
    {
        using RawClient admin = Fresh(port);
        using RawClient client = RawClient.Connect(port);
        var t = new List<string>();
        client.Command("BLPOP", "sw", "0");
        WaitBlocked(admin, 1);
        t.Add(admin.Call("SELECT", "1"));
        t.Add(admin.Call("RPUSH", "sw", "from-db1", "second"));
        t.Add(admin.Call("SWAPDB", "0", "1"));
        t.Add(client.ReadReply());
        t.Add(admin.Call("LRANGE", "sw", "0", "-1"));
        t.Add(admin.Call("SELECT", "0"));
        t.Add(admin.Call("LRANGE", "sw", "0", "-1"));
        t.Add(admin.Call("FLUSHALL"));
        return t;
    }

    private static List<string> Disconnected(int port)
    {
        using RawClient admin = Fresh(port);
        var t = new List<string>();
        using (RawClient leaving = RawClient.Connect(port))
        {
            leaving.Command("BLPOP", "gone", "0");
            WaitBlocked(admin, 1);
        }
        WaitBlocked(admin, 0);
        t.Add(admin.Call("RPUSH", "gone", "x"));
        t.Add(admin.Call("LLEN", "gone"));
        using RawClient killed = RawClient.Connect(port);
        string id = Id(killed);
        killed.Command("BLPOP", "killed", "0");
        WaitBlocked(admin, 1);
        t.Add(admin.Call("CLIENT", "KILL", "ID", id));
        WaitBlocked(admin, 0);
        t.Add(admin.Call("RPUSH", "killed", "kept"));
        t.Add(admin.Call("LLEN", "killed"));
        return t;
    }

    private static List<string> EventsAndWatch(int port)
    {
        using RawClient admin = Fresh(port);
        using RawClient client = RawClient.Connect(port);
        using RawClient subscriber = RawClient.Connect(port);
        using RawClient watcher = RawClient.Connect(port);
        var t = new List<string>();
        admin.Call("CONFIG", "SET", "notify-keyspace-events", "KEA");
        try
        {
            subscriber.Call("PSUBSCRIBE", "__keyevent@0__:*");
            t.Add(watcher.Call("WATCH", "dst"));
            client.Command("BLMOVE", "src", "dst", "RIGHT", "LEFT", "0");
            WaitBlocked(admin, 1);
            t.Add(admin.Call("RPUSH", "src", "only"));
            t.Add(client.ReadReply());
            t.Add(watcher.Call("MULTI"));
            t.Add(watcher.Call("PING"));
            t.Add(watcher.Call("EXEC"));
            admin.Call("PUBLISH", "__keyevent@0__:end", "x");
            while (true)
            {
                string frame = subscriber.ReadReply();
                t.Add(frame);
                if (frame.Contains("end", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        finally
        {
            admin.Call("CONFIG", "SET", "notify-keyspace-events", "");
        }
        return t;
    }
}
