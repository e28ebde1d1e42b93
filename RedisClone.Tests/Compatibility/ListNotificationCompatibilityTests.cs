using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Compatibility;

/// <summary>
/// The list commands' keyspace events against redis-server: lpush, rpush, lpop, rpop, linsert, lset, lrem, ltrim,
/// LMOVE as a push then a pop, "del" when a list empties, and "new" for a created key, in the same order on both.
/// </summary>
public sealed class ListNotificationCompatibilityTests(DifferentialFixture fixture) : DifferentialTestBase(fixture)
{
    private static readonly string[][] Commands =
    [
        ["LPUSH", "l", "a", "b"], ["RPUSH", "l", "c"], ["LPUSHX", "l", "d"], ["RPUSHX", "l", "e"], ["LPUSHX", "none", "x"],
        ["LINSERT", "l", "BEFORE", "c", "x"], ["LINSERT", "l", "AFTER", "missing", "x"], ["LSET", "l", "0", "z"],
        ["LREM", "l", "0", "x"], ["LREM", "l", "0", "missing"], ["LTRIM", "l", "0", "-1"], ["LTRIM", "l", "1", "3"],
        ["LPOP", "l"], ["RPOP", "l", "1"], ["LPOP", "l", "0"], ["LMOVE", "l", "m", "LEFT", "RIGHT"], ["RPOPLPUSH", "m", "m"],
        ["LMPOP", "1", "m", "LEFT", "COUNT", "5"], ["RPUSH", "t", "1", "2"], ["LTRIM", "t", "5", "6"], ["RPUSH", "r", "1"],
        ["LREM", "r", "1", "1"], ["RPUSH", "b", "1"], ["BLPOP", "b", "1"], ["RPUSH", "b", "1"], ["BLMOVE", "b", "b2", "RIGHT", "LEFT", "1"],
        ["BRPOPLPUSH", "b2", "b3", "1"], ["BLMPOP", "1", "1", "b3", "RIGHT"], ["RPUSH", "k", "v"], ["COPY", "k", "k2"], ["RENAME", "k2", "k3"],
    ];

    [RequiresToolTheory("redis-server")]
    [InlineData("KEA")]
    [InlineData("Kl")]
    [InlineData("Elg")]
    [InlineData("KEAn")]
    public void The_same_list_commands_publish_the_same_events(string flags)
    {
        Assert.True(Fixture.Redis.Available, "redis-server is not running:\n" + Fixture.Redis.Log);
        List<string> expected = Record(Fixture.Redis.Port, flags);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, Record(Fixture.Node.Port, flags));
    }

    private static List<string> Record(int port, string flags)
    {
        using RawClient admin = RawClient.Connect(port);
        using RawClient subscriber = RawClient.Connect(port);
        admin.Call("FLUSHALL");
        admin.Call("CONFIG", "SET", "notify-keyspace-events", flags);
        try
        {
            subscriber.Call("PSUBSCRIBE", "__key*__:*");
            subscriber.Call("SUBSCRIBE", "test:end");
            var events = new List<string>();
            foreach (string[] command in Commands)
            {
                events.Add("> " + string.Join(' ', command) + " " + admin.Call(command).Replace("\r\n", " ", StringComparison.Ordinal));
            }
            admin.Call("PUBLISH", "test:end", "done");
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
