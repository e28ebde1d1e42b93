using RedisClone.Tests.Infrastructure;
using StackExchange.Redis;

namespace RedisClone.Tests.Clients;

/// <summary>
/// Hashes and sets through StackExchange.Redis: what the differential tests cannot compare byte for byte (cursors over
/// a hashtable, random members) is checked here by what a user relies on: every element seen exactly once by a full
/// scan, random picks drawn from the collection, SPOP removing exactly what it returns.
/// </summary>
public sealed class CollectionClientTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    public static TheoryData<RedisProtocol> Protocols => new() { RedisProtocol.Resp2, RedisProtocol.Resp3 };

    private ConnectionMultiplexer Connect(RedisProtocol protocol) => ConnectionMultiplexer.Connect(new ConfigurationOptions
    {
        EndPoints = { node.Endpoint },
        Protocol = protocol,
        AbortOnConnectFail = true,
        SyncTimeout = 10_000,
        AsyncTimeout = 10_000,
    });

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task A_full_hscan_and_sscan_of_a_hashtable_see_every_element_once_while_it_changes(RedisProtocol protocol)
    {
        using ConnectionMultiplexer redis = Connect(protocol);
        IDatabase db = redis.GetDatabase();
        string hashKey = $"cc:{protocol}:hash";
        string setKey = $"cc:{protocol}:set";
        await db.KeyDeleteAsync([hashKey, setKey]);
        await db.HashSetAsync(hashKey, [.. Enumerable.Range(0, 5000).Select(i => new HashEntry($"f{i}", $"v{i}"))]);
        await db.SetAddAsync(setKey, [.. Enumerable.Range(0, 5000).Select(i => (RedisValue)$"m{i}")]);
        Assert.Equal("hashtable", (string?)await db.ExecuteAsync("OBJECT", "ENCODING", hashKey));
        Assert.Equal("hashtable", (string?)await db.ExecuteAsync("OBJECT", "ENCODING", setKey));

        // Elements present for the whole scan must each come back; removed ones may or may not, added ones never twice.
        var fields = new Dictionary<string, int>();
        int step = 0;
        foreach (HashEntry entry in db.HashScan(hashKey, pageSize: 100))
        {
            fields[entry.Name!] = fields.GetValueOrDefault(entry.Name!) + 1;
            Assert.Equal("v" + ((string)entry.Name!)[1..], (string?)entry.Value);
            if (++step % 500 == 0)
            {
                await db.HashDeleteAsync(hashKey, $"f{4999 - step / 500}"); // churn: fields near the end go away
            }
        }
        Assert.All(fields, pair => Assert.Equal(1, pair.Value));
        Assert.All(Enumerable.Range(0, 4980), i => Assert.True(fields.ContainsKey($"f{i}"), $"f{i} was not returned"));

        var members = db.SetScan(setKey, pattern: "m1*", pageSize: 50).Select(m => (string)m!).ToList();
        Assert.Equal(members.Count, members.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => $"m{i}").Where(m => m.StartsWith("m1", StringComparison.Ordinal)).Order(), members.Order());
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Random_members_and_fields_come_from_the_collection(RedisProtocol protocol)
    {
        using ConnectionMultiplexer redis = Connect(protocol);
        IDatabase db = redis.GetDatabase();
        string setKey = $"cc:{protocol}:rset";
        string hashKey = $"cc:{protocol}:rhash";
        await db.KeyDeleteAsync([setKey, hashKey]);
        string[] all = [.. Enumerable.Range(0, 1000).Select(i => $"m{i}")];
        await db.SetAddAsync(setKey, [.. all.Select(m => (RedisValue)m)]);
        await db.HashSetAsync(hashKey, [.. Enumerable.Range(0, 20).Select(i => new HashEntry($"f{i}", $"v{i}"))]);

        string[] distinct = [.. (await db.SetRandomMembersAsync(setKey, 300)).Select(m => (string)m!)];
        Assert.Equal(300, distinct.Distinct().Count());
        Assert.All(distinct, m => Assert.Contains(m, all));

        string[] repeated = [.. (await db.SetRandomMembersAsync(setKey, -5000)).Select(m => (string)m!)];
        Assert.Equal(5000, repeated.Length);
        Assert.All(repeated, m => Assert.Contains(m, all));
        Assert.True(repeated.Distinct().Count() > 500, "5000 picks with repetition should cover much of 1000 members");

        string[] popped = [.. (await db.SetPopAsync(setKey, 900)).Select(m => (string)m!)];
        Assert.Equal(900, popped.Distinct().Count());
        string[] left = [.. (await db.SetMembersAsync(setKey)).Select(m => (string)m!)];
        Assert.Equal(100, left.Length);
        Assert.Empty(popped.Intersect(left));
        Assert.Equal(all.Order(), popped.Concat(left).Order());

        HashEntry[] pairs = await db.HashRandomFieldsWithValuesAsync(hashKey, -50);
        Assert.Equal(50, pairs.Length);
        Assert.All(pairs, p => Assert.Equal("v" + ((string)p.Name!)[1..], (string?)p.Value));
        HashEntry[] unique = await db.HashRandomFieldsWithValuesAsync(hashKey, 15);
        Assert.Equal(15, unique.Select(p => (string)p.Name!).Distinct().Count());
    }

    [Fact]
    public void A_negative_count_beyond_the_node_bound_is_refused_rather_than_built()
    {
        using RawClient raw = node.Raw();
        raw.Call("SADD", "cc:bound", "a");
        raw.Call("HSET", "cc:bound:h", "a", "1");
        Assert.Equal("-ERR value is out of range\r\n", raw.Call("SRANDMEMBER", "cc:bound", "-16777217"));
        Assert.Equal("-ERR value is out of range\r\n", raw.Call("HRANDFIELD", "cc:bound:h", "-16777217"));
        Assert.StartsWith("*3\r\n", raw.Call("SRANDMEMBER", "cc:bound", "-3"), StringComparison.Ordinal);
    }
}
