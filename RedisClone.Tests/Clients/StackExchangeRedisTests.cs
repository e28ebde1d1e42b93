using RedisClone.Tests.Infrastructure;
using StackExchange.Redis;

namespace RedisClone.Tests.Clients;

/// <summary>
/// StackExchange.Redis against the node, over RESP2 and RESP3: what an application using the most common .NET client
/// does (connect, strings with expiry, batches, conditional transactions, key scans, INFO, CLIENT LIST) must work.
/// </summary>
public sealed class StackExchangeRedisTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    public static TheoryData<RedisProtocol> Protocols => new() { RedisProtocol.Resp2, RedisProtocol.Resp3 };

    /// <summary>Connects with AbortOnConnectFail, so a handshake the node mishandles fails here with the client's log.</summary>
    private ConnectionMultiplexer Connect(RedisProtocol protocol, StringWriter log)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { node.Endpoint },
            Protocol = protocol,
            AbortOnConnectFail = true,
            AllowAdmin = true,
            ClientName = "se-" + protocol.ToString().ToLowerInvariant(),
            ConnectTimeout = 10_000,
            SyncTimeout = 10_000,
            AsyncTimeout = 10_000,
        };
        try
        {
            return ConnectionMultiplexer.Connect(options, log);
        }
        catch (RedisConnectionException ex)
        {
            throw new InvalidOperationException($"StackExchange.Redis could not connect ({ex.Message}); its log:\n{log}", ex);
        }
    }

    private static string Prefix(RedisProtocol protocol, string test) => $"se:{protocol}:{test}:";

    [Theory]
    [MemberData(nameof(Protocols))]
    public void Connects_and_speaks_the_requested_protocol(RedisProtocol protocol)
    {
        using (RawClient admin = node.Raw())
        {
            Assert.Equal("+OK\r\n", admin.Call("CONFIG", "RESETSTAT"));
        }
        var log = new StringWriter();
        using ConnectionMultiplexer redis = Connect(protocol, log);
        IServer server = redis.GetServer(node.Endpoint);

        // The handshake's commands ran, and none of them failed but the CLUSTER probes, which a standalone Redis refuses
        // the same way ("cluster support disabled"). It also tries SENTINEL MASTERS, refused as unknown; the client
        // carries on without them.
        using (RawClient admin = node.Raw())
        {
            string commands = admin.Call("INFO", "commandstats");
            string[] expected = protocol == RedisProtocol.Resp3
                ? ["cmdstat_hello:", "cmdstat_client|setname:", "cmdstat_client|setinfo:", "cmdstat_config|get:", "cmdstat_info:", "cmdstat_echo:"]
                : ["cmdstat_client|setname:", "cmdstat_client|setinfo:", "cmdstat_config|get:", "cmdstat_info:", "cmdstat_echo:"];
            Assert.All(expected, line => Assert.Contains(line, commands, StringComparison.Ordinal));
            Assert.DoesNotMatch(@"cmdstat_(?!cluster\|)[^:]+:[^\r]*failed_calls=[1-9]", commands);
        }

        Assert.True(redis.IsConnected, log.ToString());
        Assert.Equal(protocol, server.Protocol);
        Assert.Equal(new Version(7, 2, 4), server.Version);
        Assert.Equal(ServerType.Standalone, server.ServerType);
        Assert.False(server.IsReplica);
        Assert.Equal(16, server.DatabaseCount);
        Assert.True(redis.GetDatabase().Ping() < TimeSpan.FromSeconds(5));
        Assert.DoesNotContain("error", log.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task String_commands_with_expiry_round_trip(RedisProtocol protocol)
    {
        using ConnectionMultiplexer redis = Connect(protocol, new StringWriter());
        IDatabase db = redis.GetDatabase();
        string p = Prefix(protocol, "strings");

        Assert.True(await db.StringSetAsync(p + "a", "hello", TimeSpan.FromSeconds(100)));
        Assert.Equal("hello", (string?)await db.StringGetAsync(p + "a"));
        TimeSpan? ttl = await db.KeyTimeToLiveAsync(p + "a");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(100));

        Assert.True(await db.KeyExpireAsync(p + "a", TimeSpan.FromSeconds(500)));
        Assert.InRange((await db.KeyTimeToLiveAsync(p + "a"))!.Value, TimeSpan.FromSeconds(490), TimeSpan.FromSeconds(500));
        Assert.True(await db.KeyExpireAsync(p + "a", DateTime.UtcNow.AddHours(1)));
        Assert.InRange((await db.KeyTimeToLiveAsync(p + "a"))!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(60));
        Assert.False(await db.KeyExpireAsync(p + "a", TimeSpan.FromSeconds(5), ExpireWhen.HasNoExpiry));
        Assert.True(await db.KeyPersistAsync(p + "a"));
        Assert.Null(await db.KeyTimeToLiveAsync(p + "a"));
        Assert.Null(await db.KeyTimeToLiveAsync(p + "missing"));

        Assert.False(await db.StringSetAsync(p + "a", "other", when: When.NotExists));
        Assert.Equal(10, await db.StringAppendAsync(p + "a", "world"));
        Assert.Equal("low", (string?)await db.StringGetRangeAsync(p + "a", 3, 5));
        Assert.Equal("helloworld", (string?)await db.StringGetSetExpiryAsync(p + "a", TimeSpan.FromSeconds(30)));
        Assert.InRange((await db.KeyTimeToLiveAsync(p + "a"))!.Value, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30));
        Assert.Equal("helloworld", (string?)await db.StringGetDeleteAsync(p + "a"));
        Assert.False(await db.KeyExistsAsync(p + "a"));

        Assert.Equal(5, await db.StringIncrementAsync(p + "n", 5));
        Assert.Equal(3, await db.StringDecrementAsync(p + "n", 2));
        Assert.Equal(3.5, await db.StringIncrementAsync(p + "n", 0.5));
        Assert.Equal("3.5", (string?)await db.StringGetAsync(p + "n"));

        Assert.True(await db.StringSetAsync([new(p + "m1", "1"), new(p + "m2", "2")]));
        RedisValue[] values = await db.StringGetAsync([p + "m1", p + "missing", p + "m2"]);
        Assert.Equal(["1", null, "2"], values.Select(v => (string?)v));
        Assert.Equal(2, await db.KeyDeleteAsync([p + "m1", p + "m2", p + "missing"]));

        RedisServerException wrong = await Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync("SET", p + "x", "v", "EX", "0"));
        Assert.Equal("ERR invalid expire time in 'set' command", wrong.Message);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task A_batch_sends_its_commands_as_one_pipeline(RedisProtocol protocol)
    {
        using ConnectionMultiplexer redis = Connect(protocol, new StringWriter());
        IDatabase db = redis.GetDatabase(3);
        string p = Prefix(protocol, "batch");

        IBatch batch = db.CreateBatch();
        var sets = Enumerable.Range(0, 200).Select(i => batch.StringSetAsync(p + i, i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Task<long> incr = batch.StringIncrementAsync(p + "0", 41);
        Task<RedisValue> get = batch.StringGetAsync(p + "199");
        Task<bool> expire = batch.KeyExpireAsync(p + "1", TimeSpan.FromMinutes(1));
        batch.Execute();

        Assert.All(await Task.WhenAll(sets), Assert.True);
        Assert.Equal(41, await incr);
        Assert.Equal("199", (string?)await get);
        Assert.True(await expire);
        Assert.Equal(200, redis.GetServer(node.Endpoint).Keys(3, p + "*").Count());
        Assert.False(await redis.GetDatabase(0).KeyExistsAsync(p + "0")); // the batch ran in database 3
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task A_transaction_runs_only_while_its_condition_holds(RedisProtocol protocol)
    {
        using ConnectionMultiplexer redis = Connect(protocol, new StringWriter());
        IDatabase db = redis.GetDatabase();
        string p = Prefix(protocol, "tx");

        ITransaction first = db.CreateTransaction();
        first.AddCondition(Condition.KeyNotExists(p + "lock"));
        Task<bool> takeLock = first.StringSetAsync(p + "lock", "owner-1");
        Task<long> counter = first.StringIncrementAsync(p + "count");
        Assert.True(await first.ExecuteAsync());
        Assert.True(await takeLock);
        Assert.Equal(1, await counter);

        ITransaction second = db.CreateTransaction();
        second.AddCondition(Condition.KeyNotExists(p + "lock"));
        _ = second.StringSetAsync(p + "lock", "owner-2");
        _ = second.StringIncrementAsync(p + "count");
        Assert.False(await second.ExecuteAsync());
        Assert.Equal("owner-1", (string?)await db.StringGetAsync(p + "lock"));
        Assert.Equal(1, (long)await db.StringGetAsync(p + "count"));

        ITransaction third = db.CreateTransaction();
        third.AddCondition(Condition.StringEqual(p + "lock", "owner-1"));
        Task<long> byOwner = third.StringIncrementAsync(p + "count");
        Assert.True(await third.ExecuteAsync());
        Assert.Equal(2, await byOwner);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Keys_are_listed_by_pattern_through_scan(RedisProtocol protocol)
    {
        using ConnectionMultiplexer redis = Connect(protocol, new StringWriter());
        IDatabase db = redis.GetDatabase(5);
        IServer server = redis.GetServer(node.Endpoint);
        string p = Prefix(protocol, "scan");
        var expected = new HashSet<string>();
        for (int i = 0; i < 250; i++)
        {
            string key = p + (i % 2 == 0 ? "even:" : "odd:") + i;
            await db.StringSetAsync(key, i);
            if (i % 2 == 0)
            {
                expected.Add(key);
            }
        }

        // A small page size makes the client follow SCAN cursors over many round trips.
        var found = server.Keys(5, p + "even:*", pageSize: 7).Select(k => (string)k!).ToList();
        Assert.Equal(expected.Count, found.Count); // SCAN over a table that is not resized returns each key once
        Assert.Equal(expected, found.ToHashSet());

        var all = new List<string>();
        await foreach (RedisKey key in server.KeysAsync(5, p + "*", pageSize: 1000))
        {
            all.Add(key!);
        }
        Assert.Equal(250, all.Count);
        Assert.Empty(server.Keys(5, p + "none:*"));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public void Info_and_client_list_describe_the_node_and_this_client(RedisProtocol protocol)
    {
        using ConnectionMultiplexer redis = Connect(protocol, new StringWriter());
        IServer server = redis.GetServer(node.Endpoint);

        redis.GetDatabase(7).StringSet(Prefix(protocol, "info") + "k", "v");
        IGrouping<string, KeyValuePair<string, string>>[] info = server.Info();
        Dictionary<string, string> serverSection = info.Single(g => g.Key == "Server").ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal("7.2.4", serverSection["redis_version"]);
        Assert.Equal("standalone", serverSection["redis_mode"]);
        Assert.Equal(node.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), serverSection["tcp_port"]);
        Assert.StartsWith("keys=", info.Single(g => g.Key == "Keyspace").Single(kv => kv.Key == "db7").Value, StringComparison.Ordinal);
        Assert.Equal("master", server.Info("replication").Single().Single(kv => kv.Key == "role").Value);
        Assert.Contains("redis_version:7.2.4", server.InfoRaw("server"), StringComparison.Ordinal);

        ClientInfo[] clients = server.ClientList();
        string name = "se-" + protocol.ToString().ToLowerInvariant();
        ClientInfo[] mine = clients.Where(c => c.Name == name).ToArray();
        Assert.NotEmpty(mine); // the interactive connection (and, over RESP2, the subscription one) carry our name
        Assert.All(mine, c => Assert.Equal("SE.Redis", c.LibraryName));
        Assert.Contains(mine, c => c.Protocol == protocol);
        Assert.Contains(mine, c => c.LastCommand == "client|list");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Server_errors_reach_the_caller_with_redis_text(RedisProtocol protocol)
    {
        using ConnectionMultiplexer redis = Connect(protocol, new StringWriter());
        IDatabase db = redis.GetDatabase();
        string p = Prefix(protocol, "errors");

        await db.StringSetAsync(p + "s", "abc");
        RedisServerException notInteger = await Assert.ThrowsAsync<RedisServerException>(() => db.StringIncrementAsync(p + "s"));
        Assert.Equal("ERR value is not an integer or out of range", notInteger.Message);
        RedisServerException unknown = await Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync("NOSUCHCOMMAND", "a"));
        Assert.Equal("ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'a' ", unknown.Message);
        // The connection is still usable after an error.
        Assert.Equal("abc", (string?)await db.StringGetAsync(p + "s"));
    }
}
