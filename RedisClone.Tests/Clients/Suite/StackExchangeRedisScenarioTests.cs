using System.Collections.Concurrent;
using System.Globalization;
using RedisClone.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace RedisClone.Tests.Clients.Suite;

/// <summary>
/// StackExchange.Redis runs the scenario against the 3-node cluster, over RESP3 and RESP2, with default settings but
/// the protocol: one multiplexer for node 1 (data, publishing) and one for node 3 (subscriptions).
/// </summary>
[Collection(ClientSuiteCollection.Name)]
[Trait("Category", ClientSuiteCollection.Category)]
public sealed class StackExchangeRedisScenarioTests(ProcessCluster cluster, ITestOutputHelper output)
{
    public static TheoryData<RedisProtocol> Protocols => new() { RedisProtocol.Resp3, RedisProtocol.Resp2 };

    private sealed record Received(string Kind, string Channel, string Message);

    [Theory(Timeout = 240_000)]
    [MemberData(nameof(Protocols))]
    public async Task Scenario_passes(RedisProtocol protocol)
    {
        var log = new StringWriter();
        try
        {
            await RunScenario(protocol, log);
        }
        finally
        {
            output.WriteLine(log.ToString());
        }
    }

    private async Task RunScenario(RedisProtocol protocol, StringWriter log)
    {
        string prefix = "se-" + protocol.ToString().ToLowerInvariant() + ":";
        string K(string name) => prefix + name;
        ConfigurationOptions Options(int node)
        {
            ConfigurationOptions options = ConfigurationOptions.Parse("127.0.0.1:" + cluster.Port(node).ToString(CultureInfo.InvariantCulture));
            options.Protocol = protocol;
            return options;
        }

        log.WriteLine("STEP connect");
        await using ConnectionMultiplexer data = await ConnectionMultiplexer.ConnectAsync(Options(1), log);
        await using ConnectionMultiplexer subscriptions = await ConnectionMultiplexer.ConnectAsync(Options(3), log);
        IDatabase db = data.GetDatabase();
        IServer server = data.GetServers().Single();
        Assert.Equal(protocol, server.Protocol);
        string clientInfo = (string)(await db.ExecuteAsync("CLIENT", "INFO"))!;
        Assert.Contains($" resp={(protocol == RedisProtocol.Resp3 ? 3 : 2)} ", clientInfo, StringComparison.Ordinal);
        Assert.Contains(" lib-name=SE.Redis ", clientInfo, StringComparison.Ordinal);

        log.WriteLine("STEP strings with expiry");
        Assert.True(await db.StringSetAsync(K("greeting"), "hello", TimeSpan.FromSeconds(100)));
        Assert.Equal("hello", (string?)await db.StringGetAsync(K("greeting")));
        Assert.InRange((await db.KeyTimeToLiveAsync(K("greeting")))!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(100));
        Assert.True(await db.KeyExpireAsync(K("greeting"), TimeSpan.FromSeconds(50)));
        Assert.True(await db.KeyPersistAsync(K("greeting")));
        Assert.Null(await db.KeyTimeToLiveAsync(K("greeting")));
        Assert.True(await db.StringSetAsync(K("short"), "x", TimeSpan.FromMilliseconds(200)));
        await ClusterFixture.WaitUntil(() => !db.KeyExists(K("short")), "the 200 ms key to expire", seconds: 5);
        Assert.Equal(1.5, await db.StringIncrementAsync(K("float"), 1.5));
        Assert.Equal(["hello", null], (await db.StringGetAsync([K("greeting"), K("missing")])).Select(v => (string?)v));

        log.WriteLine("STEP pipeline");
        IBatch batch = db.CreateBatch();
        Task<bool>[] sets = Enumerable.Range(0, 100).Select(i => batch.StringSetAsync(K("p:" + i.ToString(CultureInfo.InvariantCulture)), i)).ToArray();
        Task<long> counter = batch.StringIncrementAsync(K("counter"), 5);
        Task<RedisValue> fortyTwo = batch.StringGetAsync(K("p:42"));
        Task<long> notANumber = batch.StringIncrementAsync(K("greeting"));
        batch.Execute();
        Assert.All(await Task.WhenAll(sets), Assert.True);
        Assert.Equal(5, await counter);
        Assert.Equal("42", (string?)await fortyTwo);
        Assert.Equal("ERR value is not an integer or out of range", (await Assert.ThrowsAsync<RedisServerException>(() => notANumber)).Message);

        log.WriteLine("STEP MULTI/EXEC transaction");
        ITransaction transaction = db.CreateTransaction();
        Task<bool> set = transaction.StringSetAsync(K("t"), "1");
        Task<long> incremented = transaction.StringIncrementAsync(K("t"));
        Assert.True(await transaction.ExecuteAsync());
        Assert.True(await set);
        Assert.Equal(2, await incremented);
        ITransaction conditional = db.CreateTransaction();
        conditional.AddCondition(Condition.StringEqual(K("t"), "1"));
        _ = conditional.StringAppendAsync(K("t"), "-mine");
        Assert.False(await conditional.ExecuteAsync()); // WATCH saw "2": nothing ran
        Assert.Equal("2", (string?)await db.StringGetAsync(K("t")));

        log.WriteLine("STEP KEYS and SCAN");
        string[] names = Enumerable.Range(0, 30).Select(i => K("scan:" + i.ToString(CultureInfo.InvariantCulture))).Order(StringComparer.Ordinal).ToArray();
        Assert.True(await db.StringSetAsync(names.Select(n => new KeyValuePair<RedisKey, RedisValue>(n, "v")).ToArray()));
        // SE.Redis lists keys with SCAN (it allows KEYS only in admin mode): one page, then many small ones.
        Assert.Equal(names, server.Keys(0, K("scan:*")).Select(k => (string)k!).Order(StringComparer.Ordinal));
        Assert.Equal(names, server.Keys(0, K("scan:*"), pageSize: 7).Select(k => (string)k!).Order(StringComparer.Ordinal));

        log.WriteLine("STEP subscribe and psubscribe on node 3, publish on node 1");
        ISubscriber subscriber = subscriptions.GetSubscriber();
        ISubscriber publisher = data.GetSubscriber();
        var received = new ConcurrentQueue<Received>();
        RedisChannel news = RedisChannel.Literal(K("news"));
        RedisChannel newsPattern = RedisChannel.Pattern(K("n*"));
        await subscriber.SubscribeAsync(news, (channel, message) => received.Enqueue(new("message", channel!, message!)));
        await subscriber.SubscribeAsync(newsPattern, (channel, message) => received.Enqueue(new("pmessage", channel!, message!)));
        Assert.Equal(0, await publisher.PublishAsync(news, "hello")); // PUBLISH counts node 1's own receivers: none
        await ClusterFixture.WaitUntil(() => received.Count >= 2, "message and pmessage on node 3");
        // SE.Redis may run the two handlers in either order.
        Assert.Equal([new("message", K("news"), "hello"), new("pmessage", K("news"), "hello")], Take(received).OrderBy(r => r.Kind, StringComparer.Ordinal));

        log.WriteLine("STEP unsubscribe");
        await subscriber.UnsubscribeAsync(news);
        await publisher.PublishAsync(news, "after unsubscribe");
        await ClusterFixture.WaitUntil(() => !received.IsEmpty, "the pattern message");
        Assert.Equal([new("pmessage", K("news"), "after unsubscribe")], Take(received));
        await subscriber.UnsubscribeAsync(newsPattern);

        log.WriteLine("STEP reconnect after nodes 1 and 3 restart");
        RedisChannel again = RedisChannel.Literal(K("again"));
        await subscriber.SubscribeAsync(again, (channel, message) => received.Enqueue(new("message", channel!, message!)));
        await subscriber.SubscribeAsync(RedisChannel.Pattern(K("a*")), (channel, message) => received.Enqueue(new("pmessage", channel!, message!)));
        await cluster.RestartAsync([1, 3]);
        log.WriteLine("(test: restarted node 1 and 3)");
        // SE.Redis reconnects by itself; a command issued before it has fails fast (RedisConnectionException) by design.
        int failures = 0;
        await ClusterFixture.WaitUntil(() =>
        {
            try
            {
                return db.StringSet(K("after"), "restart");
            }
            catch (RedisConnectionException)
            {
                failures++;
                return false;
            }
        }, "the client to reconnect to node 1", seconds: 30);
        log.WriteLine($"({failures} command(s) failed with RedisConnectionException before the client had reconnected)");
        Assert.Null((string?)await db.StringGetAsync(K("greeting"))); // the restarted node starts empty
        // SE.Redis subscribes again by itself; publish until that has happened.
        int sent = 0;
        await ClusterFixture.WaitUntil(() =>
        {
            try
            {
                publisher.Publish(again, "after restart " + sent++.ToString(CultureInfo.InvariantCulture));
            }
            catch (RedisConnectionException)
            {
            }
            return received.Any(r => r.Kind == "message") && received.Any(r => r.Kind == "pmessage");
        }, "the resubscribed channel and pattern to receive on node 3", seconds: 30);
        Received first = received.First(r => r.Kind == "message");
        Assert.Equal(K("again"), first.Channel);
        Assert.Contains(received, r => r.Kind == "pmessage" && r.Message == first.Message);

        log.WriteLine("STEP quit");
        await subscriber.UnsubscribeAllAsync();
        log.WriteLine("DONE");
    }

    private static List<Received> Take(ConcurrentQueue<Received> queue)
    {
        var items = new List<Received>();
        while (queue.TryDequeue(out Received? item))
        {
            items.Add(item);
        }
        return items;
    }
}
