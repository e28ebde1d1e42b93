using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Compatibility;

/// <summary>
/// BZPOPMIN, BZPOPMAX and BZMPOP with several connections, against redis-server and the node, transcripts compared:
/// served at once, served later by a ZADD from another client (or inside MULTI/EXEC), in blocking order, timeouts in
/// RESP2 and RESP3, inside MULTI, WRONGTYPE, argument errors, a list push not serving a sorted-set wait.
/// </summary>
public sealed class SortedSetBlockingCompatibilityTests(DifferentialFixture fixture) : DifferentialTestBase(fixture)
{
    public static TheoryData<string> Scenarios => new(ScenarioTable.Keys);

    private static readonly Dictionary<string, Func<int, List<string>>> ScenarioTable = new()
    {
        ["served-at-once-and-errors"] = ServedAtOnceAndErrors,
        ["timeouts-and-multi"] = TimeoutsAndMulti,
        ["served-later-in-blocking-order"] = ServedLater,
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

    private static RawClient Fresh(int port) => BlockingCompatibilityTests.Fresh(port);

    private static void WaitBlocked(RawClient admin, int count) => BlockingCompatibilityTests.WaitBlocked(admin, count);

    private static List<string> ServedAtOnceAndErrors(int port)
    {
        using RawClient admin = Fresh(port);
        var t = new List<string>
        {
            admin.Call("ZADD", "z", "1", "a", "2", "b", "3", "c"),
            admin.Call("BZPOPMIN", "none", "z", "0"),
            admin.Call("BZPOPMAX", "z", "0"),
            admin.Call("BZMPOP", "0", "2", "none", "z", "MAX", "COUNT", "5"),
            admin.Call("EXISTS", "z"),
            admin.Call("SET", "s", "v"),
            admin.Call("BZPOPMIN", "s", "0.01"),
            admin.Call("BZMPOP", "0.01", "1", "s", "MIN"),
            admin.Call("BZPOPMIN", "z", "-1"),
            admin.Call("BZPOPMIN", "z", "x"),
            admin.Call("BZPOPMIN", "z"),
            admin.Call("BZMPOP", "x", "1", "z", "MIN"),
            admin.Call("BZMPOP", "0", "0", "z", "MIN"),
            admin.Call("BZMPOP", "0", "1", "z", "LEFT"),
            admin.Call("BZMPOP", "0", "1", "z", "MIN", "COUNT", "0"),
            admin.Call("BZMPOP", "0", "2", "z"),
            admin.Call("ZADD", "z", "1.5", "x"),
            admin.Call("HELLO", "3").Length > 0 ? "hello" : "",
            admin.Call("BZPOPMIN", "z", "0"),
            admin.Call("ZADD", "z", "2.5", "y", "3", "w"),
            admin.Call("BZMPOP", "0", "1", "z", "MIN", "COUNT", "1"),
        };
        return t;
    }

    private static List<string> TimeoutsAndMulti(int port)
    {
        using RawClient admin = Fresh(port);
        using RawClient client = RawClient.Connect(port);
        var t = new List<string>
        {
            client.Call("BZPOPMIN", "n", "0.05"),
            client.Call("BZPOPMAX", "n", "m", ".02"),
            client.Call("BZMPOP", "0.05", "2", "n", "m", "MIN", "COUNT", "3"),
            client.Call("MULTI"),
            client.Call("BZPOPMIN", "n", "0"),
            client.Call("BZMPOP", "0", "1", "n", "MAX"),
            client.Call("EXEC"),
        };
        client.Call("HELLO", "3");
        t.Add(client.Call("BZPOPMAX", "n", "0.05"));
        t.Add(client.Call("BZMPOP", "0.05", "1", "n", "MIN"));
        return t;
    }

    private static List<string> ServedLater(int port)
    {
        using RawClient admin = Fresh(port);
        using RawClient first = RawClient.Connect(port);
        using RawClient second = RawClient.Connect(port);
        using RawClient third = RawClient.Connect(port);
        var t = new List<string>();
        admin.Call("CONFIG", "SET", "notify-keyspace-events", "KEA");
        using RawClient events = RawClient.Connect(port);
        events.Call("PSUBSCRIBE", "__keyevent@0__:*");
        first.Command("BZPOPMIN", "z", "other", "0");
        WaitBlocked(admin, 1);
        second.Command("BZMPOP", "0", "1", "z", "MAX", "COUNT", "2");
        WaitBlocked(admin, 2);
        third.Command("BZPOPMAX", "z", "0");
        WaitBlocked(admin, 3);
        t.Add(admin.Call("RPUSH", "z2", "not-a-zset"));
        t.Add(admin.Call("MULTI"));
        t.Add(admin.Call("ZADD", "z", "1", "a", "2", "b", "3", "c"));
        t.Add(admin.Call("ZADD", "z", "4", "d"));
        t.Add(admin.Call("EXEC"));
        t.Add(first.ReadReply());
        t.Add(second.ReadReply());
        t.Add(third.ReadReply());
        t.Add(admin.Call("EXISTS", "z"));
        t.Add(admin.Call("INFO", "clients").Contains("blocked_clients:0\r\n", StringComparison.Ordinal) ? "none blocked" : "still blocked");
        admin.Call("CONFIG", "SET", "notify-keyspace-events", "");
        admin.Call("PUBLISH", "__keyevent@0__:end", "end");
        for (string message = events.ReadReply(); !message.Contains("__keyevent@0__:end", StringComparison.Ordinal); message = events.ReadReply())
        {
            t.Add(message);
        }
        return t;
    }
}
