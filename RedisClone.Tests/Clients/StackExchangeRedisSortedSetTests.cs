using RedisClone.Tests.Infrastructure;
using StackExchange.Redis;

namespace RedisClone.Tests.Clients;

/// <summary>
/// Sorted sets through StackExchange.Redis, over RESP2 and RESP3: what a leaderboard or a priority queue written
/// against the common .NET client does must work, with scores coming back as the doubles that went in.
/// </summary>
public sealed class StackExchangeRedisSortedSetTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    public static TheoryData<RedisProtocol> Protocols => new() { RedisProtocol.Resp2, RedisProtocol.Resp3 };

    private ConnectionMultiplexer Connect(RedisProtocol protocol) => ConnectionMultiplexer.Connect(new ConfigurationOptions
    {
        EndPoints = { node.Endpoint },
        Protocol = protocol,
        AbortOnConnectFail = true,
        ConnectTimeout = 10_000,
        SyncTimeout = 10_000,
        AsyncTimeout = 10_000,
    });

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task A_leaderboard_is_ranked_ranged_and_combined(RedisProtocol protocol)
    {
        using ConnectionMultiplexer redis = Connect(protocol);
        IDatabase db = redis.GetDatabase();
        string key = $"zset:{protocol}:board";
        string other = $"zset:{protocol}:other";
        await db.KeyDeleteAsync([key, other, key + ":sum"]);

        Assert.Equal(4, await db.SortedSetAddAsync(key, [new("ann", 10), new("bob", 25.5), new("cy", -3), new("dee", 1e20)]));
        Assert.False(await db.SortedSetAddAsync(key, "ann", 5, SortedSetWhen.GreaterThan));
        Assert.Equal(12.25, await db.SortedSetIncrementAsync(key, "ann", 2.25));
        Assert.Equal(4, await db.SortedSetLengthAsync(key));
        Assert.Equal(25.5, await db.SortedSetScoreAsync(key, "bob"));
        Assert.Null(await db.SortedSetScoreAsync(key, "nobody"));
        Assert.Equal(0, await db.SortedSetRankAsync(key, "cy"));
        Assert.Equal(0, await db.SortedSetRankAsync(key, "dee", Order.Descending));

        SortedSetEntry[] top = await db.SortedSetRangeByRankWithScoresAsync(key, 0, 1, Order.Descending);
        Assert.Equal([new SortedSetEntry("dee", 1e20), new SortedSetEntry("bob", 25.5)], top);
        RedisValue[] middle = await db.SortedSetRangeByScoreAsync(key, 0, 30, Exclude.Start, Order.Ascending, skip: 0, take: 10);
        Assert.Equal(["ann", "bob"], middle.Select(v => v.ToString()));
        Assert.Equal(2, await db.SortedSetLengthAsync(key, 0, 100));

        await db.SortedSetAddAsync(other, [new("ann", 1), new("zed", 2)]);
        Assert.Equal(5, await db.SortedSetCombineAndStoreAsync(SetOperation.Union, key + ":sum", key, other));
        Assert.Equal(13.25, await db.SortedSetScoreAsync(key + ":sum", "ann"));
        SortedSetEntry[] inter = await db.SortedSetCombineWithScoresAsync(SetOperation.Intersect, [key, other], [1, 10], Aggregate.Max);
        Assert.Equal([new SortedSetEntry("ann", 12.25)], inter);

        SortedSetEntry? lowest = await db.SortedSetPopAsync(key);
        Assert.Equal(new SortedSetEntry("cy", -3), lowest);
        SortedSetEntry[] highest = await db.SortedSetPopAsync(key, 2, Order.Descending);
        Assert.Equal(["dee", "bob"], highest.Select(e => e.Element.ToString()));
        Assert.True(await db.SortedSetRemoveAsync(key, "ann"));
        Assert.False(await db.KeyExistsAsync(key));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task A_large_set_scans_every_member_once_while_unchanged(RedisProtocol protocol)
    {
        using ConnectionMultiplexer redis = Connect(protocol);
        IDatabase db = redis.GetDatabase();
        string key = $"zset:{protocol}:large";
        await db.KeyDeleteAsync(key);
        SortedSetEntry[] entries = [.. Enumerable.Range(0, 1000).Select(i => new SortedSetEntry("m" + i, i * 0.5))];
        Assert.Equal(1000, await db.SortedSetAddAsync(key, entries));

        var seen = new Dictionary<string, double>();
        await foreach (SortedSetEntry entry in db.SortedSetScanAsync(key, pageSize: 100))
        {
            Assert.True(seen.TryAdd(entry.Element!, entry.Score), $"{entry.Element} returned twice");
        }
        Assert.Equal(1000, seen.Count);
        Assert.Equal(499.5, seen["m999"]);
        Assert.Equal(500, (await db.SortedSetRangeByScoreAsync(key, 0, 249.5)).Length);
        Assert.Equal(100, await db.SortedSetRemoveRangeByRankAsync(key, 0, 99));
        Assert.Equal(0, await db.SortedSetRankAsync(key, "m100"));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(250)]
    [InlineData(-500)]
    public async Task Random_members_come_from_the_set_and_differ_for_a_positive_count(long count)
    {
        using ConnectionMultiplexer redis = Connect(RedisProtocol.Resp3);
        IDatabase db = redis.GetDatabase();
        string key = $"zset:random:{count}";
        await db.KeyDeleteAsync(key);
        await db.SortedSetAddAsync(key, [.. Enumerable.Range(0, 300).Select(i => new SortedSetEntry("m" + i, i))]);

        SortedSetEntry[] picks = await db.SortedSetRandomMembersWithScoresAsync(key, count);

        Assert.Equal(Math.Abs(count), picks.Length);
        Assert.All(picks, p => Assert.Equal("m" + p.Score, p.Element.ToString()));
        if (count > 0)
        {
            Assert.Equal(picks.Length, picks.Select(p => p.Element.ToString()).Distinct().Count());
        }
    }
}
