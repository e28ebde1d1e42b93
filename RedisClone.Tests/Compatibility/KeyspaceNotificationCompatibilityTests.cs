using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Compatibility;

/// <summary>
/// Keyspace notifications: the same commands on redis-server and on the node must publish the same events, in the
/// same order, on <c>__keyspace@&lt;db&gt;__:&lt;key&gt;</c> and <c>__keyevent@&lt;db&gt;__:&lt;event&gt;</c>.
/// </summary>
public sealed class KeyspaceNotificationCompatibilityTests(DifferentialFixture fixture) : DifferentialTestBase(fixture)
{
    private static readonly string[][] Commands =
    [
        ["SET", "k", "v"], ["SET", "k", "v", "EX", "100"], ["SETNX", "n", "1"], ["SETEX", "s", "100", "v"],
        ["PSETEX", "ps", "100000", "v"], ["GETSET", "k", "w"], ["MSET", "m1", "a", "m2", "b"], ["MSETNX", "m3", "c"],
        ["APPEND", "ap", "x"], ["APPEND", "ap", "y"], ["SETRANGE", "sr", "2", "z"], ["INCR", "c"], ["INCRBY", "c", "5"],
        ["DECR", "c"], ["INCRBYFLOAT", "f", "1.5"], ["EXPIRE", "k", "100"], ["PERSIST", "k"], ["PEXPIRE", "k", "100000", "NX"],
        ["RENAME", "k", "k2"], ["COPY", "k2", "k3"], ["MOVE", "k3", "1"], ["GETDEL", "m1"], ["GETEX", "m2", "EX", "100"],
        ["GETEX", "m2", "PERSIST"], ["DEL", "m2", "m3", "missing"], ["EXPIRE", "n", "-1"], ["SET", "kt", "v", "KEEPTTL"],
        ["UNLINK", "kt"],
    ];

    [RequiresToolTheory("redis-server")]
    [InlineData("KEA")]
    [InlineData("Kg")]
    [InlineData("E$")]
    [InlineData("KEAn")]
    public void The_same_commands_publish_the_same_events(string flags)
    {
        Assert.True(Fixture.Redis.Available, "redis-server is not running:\n" + Fixture.Redis.Log);
        List<string> expected = Record(Fixture.Redis.Port, flags, Commands);
        List<string> actual = Record(Fixture.Node.Port, flags, Commands);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [RequiresToolFact("redis-server")]
    public void An_expiring_key_publishes_expired_on_both()
    {
        Assert.True(Fixture.Redis.Available, "redis-server is not running:\n" + Fixture.Redis.Log);
        foreach (int port in new[] { Fixture.Redis.Port, Fixture.Node.Port })
        {
            using RawClient admin = RawClient.Connect(port);
            using RawClient subscriber = RawClient.Connect(port);
            admin.Call("FLUSHALL");
            admin.Call("CONFIG", "SET", "notify-keyspace-events", "Ex");
            try
            {
                subscriber.Call("SUBSCRIBE", "__keyevent@0__:expired");
                admin.Call("SET", "soon", "v", "PX", "1");
                // Whichever comes first, the lazy check on read or the background sweep, publishes the event.
                DateTime deadline = DateTime.UtcNow.AddSeconds(10);
                while (admin.Call("EXISTS", "soon") != ":0\r\n")
                {
                    Assert.True(DateTime.UtcNow < deadline, "the key did not expire");
                }
                Assert.Equal("*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:expired\r\n$4\r\nsoon\r\n", subscriber.ReadReply());
            }
            finally
            {
                admin.Call("CONFIG", "SET", "notify-keyspace-events", "");
            }
        }
    }

    /// <summary>Runs the commands with the given flags and returns every notification, in arrival order.</summary>
    internal static List<string> Record(int port, string flags, IEnumerable<string[]> commands)
    {
        using RawClient admin = RawClient.Connect(port);
        using RawClient subscriber = RawClient.Connect(port);
        admin.Call("FLUSHALL");
        admin.Call("CONFIG", "SET", "notify-keyspace-events", flags);
        try
        {
            subscriber.Call("PSUBSCRIBE", "__key*__:*");
            subscriber.Call("SUBSCRIBE", "test:end");
            foreach (string[] command in commands)
            {
                admin.Call(command);
            }
            admin.Call("PUBLISH", "test:end", "done");
            var events = new List<string>();
            while (true)
            {
                string frame = subscriber.ReadReply();
                if (frame.Contains("test:end", StringComparison.Ordinal))
                {
                    return events;
                }
                events.Add(frame.Replace("\r\n", " ", StringComparison.Ordinal));
            }
        }
        finally
        {
            admin.Call("CONFIG", "SET", "notify-keyspace-events", "");
            admin.Call("FLUSHALL");
        }
    }
}
