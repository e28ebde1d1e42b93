using System.Text.RegularExpressions;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Compatibility;

/// <summary>
/// INFO's keyspace_hits and keyspace_misses after each collection command (and EXISTS, TYPE, TOUCH), against redis-server: Redis counts the
/// lookups of reading commands (lookupKeyRead) and not those of writing ones (lookupKeyWrite), and tools read these
/// counters as a cache hit rate.
/// </summary>
public sealed partial class KeyspaceStatsCompatibilityTests(DifferentialFixture fixture) : DifferentialTestBase(fixture)
{
    private static readonly string[] Setup =
    [
        "HSET h f v", "RPUSH l a b c", "SADD s a b", "SADD s2 b c", "ZADD z 1 a 2 b", "ZADD z2 1 b",
    ];

    private static readonly string[][] Commands =
    [
        ["HGET", "h", "f"], ["HGET", "nokey", "f"], ["HGETALL", "h"], ["HSET", "h", "g", "w"], ["HSET", "new", "f", "v"],
        ["HDEL", "h", "g"], ["HINCRBY", "h", "n", "1"], ["HLEN", "h"], ["HSCAN", "h", "0"],
        ["LRANGE", "l", "0", "-1"], ["LRANGE", "nokey", "0", "-1"], ["RPUSH", "l", "d"], ["LPOP", "l"], ["LLEN", "l"],
        ["LINDEX", "l", "0"], ["LMOVE", "l", "l2", "LEFT", "RIGHT"], ["LPOS", "l", "c"],
        ["SMEMBERS", "s"], ["SISMEMBER", "s", "a"], ["SADD", "s", "c"], ["SREM", "s", "c"], ["SINTER", "s", "s2"],
        ["SINTERSTORE", "d", "s", "s2"], ["SUNIONSTORE", "d", "s", "nokey"], ["SMOVE", "s", "s2", "a"], ["SCARD", "s"],
        ["ZRANGE", "z", "0", "-1"], ["ZSCORE", "z", "a"], ["ZADD", "z", "3", "c"], ["ZRANGESTORE", "d", "z", "0", "-1"],
        ["ZUNIONSTORE", "d", "2", "z", "z2"], ["ZUNION", "2", "z", "z2"], ["ZPOPMIN", "z"], ["ZCARD", "z"],
        ["HSETNX", "h", "x", "1"], ["HINCRBYFLOAT", "h", "n", "1.5"], ["HMSET", "h", "a", "1"], ["HMGET", "h", "a", "zz"],
        ["LPUSH", "l", "e"], ["LINSERT", "l", "BEFORE", "e", "f"], ["LSET", "l", "0", "g"], ["LREM", "l", "0", "g"],
        ["LTRIM", "l", "0", "10"], ["RPOP", "l"], ["LMPOP", "2", "nokey", "l", "LEFT"], ["RPOPLPUSH", "l", "l3"],
        ["BLPOP", "l3", "0.01"], ["LPUSHX", "nokey", "a"],
        ["SPOP", "s2"], ["SRANDMEMBER", "s2"], ["SDIFF", "s2", "s"], ["SINTERCARD", "2", "s", "s2"],
        ["ZINCRBY", "z", "1", "a"], ["ZREM", "z", "zz"], ["ZREMRANGEBYRANK", "z", "5", "6"], ["ZPOPMAX", "z2"],
        ["ZMPOP", "1", "z", "MIN"], ["BZPOPMIN", "z", "0.01"], ["ZRANK", "z", "c"], ["ZINTERCARD", "2", "z", "z2"],
        ["TYPE", "h"], ["TYPE", "nokey"], ["EXISTS", "z", "nokey", "z"], ["TOUCH", "h", "nokey"], ["UNLINK", "h"],
    ];

    [RequiresToolFact("redis-server")]
    public void Each_collection_command_counts_hits_and_misses_as_redis_does()
    {
        Assert.True(Fixture.Redis.Available, "redis-server is not running:\n" + Fixture.Redis.Log);
        List<string> expected = Run(Fixture.Redis.Port);
        List<string> actual = Run(Fixture.Node.Port);
        var differences = expected.Zip(actual).Where(p => p.First != p.Second).Select(p => $"redis {p.First} / node {p.Second}").ToList();
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    private static List<string> Run(int port)
    {
        using RawClient client = RawClient.Connect(port);
        client.Call("FLUSHALL");
        foreach (string line in Setup)
        {
            client.Call(line.Split(' '));
        }
        var transcript = new List<string>();
        foreach (string[] command in Commands)
        {
            (long hits, long misses) before = Counters(client);
            client.Call(command);
            (long hits, long misses) after = Counters(client);
            transcript.Add($"{string.Join(' ', command)}: hits +{after.hits - before.hits}, misses +{after.misses - before.misses}");
        }
        return transcript;
    }

    private static (long Hits, long Misses) Counters(RawClient client)
    {
        string stats = client.Call("INFO", "stats");
        return (long.Parse(Hits().Match(stats).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(Misses().Match(stats).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"keyspace_hits:(\d+)")]
    private static partial Regex Hits();

    [GeneratedRegex(@"keyspace_misses:(\d+)")]
    private static partial Regex Misses();
}
