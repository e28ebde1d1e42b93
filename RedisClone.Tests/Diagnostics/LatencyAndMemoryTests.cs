using System.Globalization;
using RedisClone.Tests.Infrastructure;
using StackExchange.Redis;

namespace RedisClone.Tests.Diagnostics;

/// <summary>LATENCY after a command slower than latency-monitor-threshold, and MEMORY STATS/DOCTOR/MALLOC-STATS/PURGE, read by raw and real clients.</summary>
public sealed class LatencyAndMemoryTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public void A_command_over_the_threshold_is_a_latency_event()
    {
        using RawClient client = node.Raw();
        Assert.Equal("+OK\r\n", client.Call("SELECT", "4"));
        SlowlogTests.PopulateKeys(client, 100_000);
        Assert.Equal("+OK\r\n", client.Call("CONFIG", "SET", "latency-monitor-threshold", "1"));
        try
        {
            client.Call("LATENCY", "RESET");
            long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            client.Command("KEYS", "*");
            client.ReadReply();
            long after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

            // KEYS is a spike; on a busy machine another command may be one too, so only what KEYS guarantees is checked.
            List<object?> latest = RespValue.List(RespValue.Parse(client.Call("LATENCY", "LATEST")));
            List<object?> command = RespValue.List(Assert.Single(latest, e => RespValue.List(e)[0] is "command"));
            Assert.True((long)command[1]! >= before, $"latest spike at {command[1]}, KEYS ran from {before}");
            Assert.True((long)command[3]! >= Math.Max(1, (long)command[2]!), "the worst spike is at least the latest, and at least 1 ms");

            List<object?> history = RespValue.List(RespValue.Parse(client.Call("LATENCY", "HISTORY", "command")));
            Assert.Contains(history.Select(RespValue.List), s => (long)s[0]! >= before && (long)s[0]! <= after + 1 && (long)s[1]! >= 1);

            Assert.Matches(@"\n1\. command: \d+ latency spikes \(average \d+ms, mean deviation \d+ms, period [0-9.]+ sec\)\. Worst all time event \d+ms\.\n",
                client.Call("LATENCY", "DOCTOR"));

            // Off again before the reset: the monitor is the node's, and another test's client on this shared node
            // could record a spike between a reset and the checks below while the threshold is still 1 ms.
            Assert.Equal("+OK\r\n", client.Call("CONFIG", "SET", "latency-monitor-threshold", "0"));
            Assert.Equal(":1\r\n", client.Call("LATENCY", "RESET", "command", "nosuch"));
            Assert.Equal("*0\r\n", client.Call("LATENCY", "HISTORY", "command"));

            // Off: the same slow command is no event.
            client.Command("KEYS", "*");
            client.ReadReply();
            Assert.Equal("*0\r\n", client.Call("LATENCY", "LATEST"));
        }
        finally
        {
            client.Call("CONFIG", "SET", "latency-monitor-threshold", "0");
            client.Call("LATENCY", "RESET");
            Assert.Equal("+OK\r\n", client.Call("FLUSHDB"));
        }
    }

    [Fact]
    public void Memory_stats_is_a_map_of_redis_fields_with_the_keys_counted()
    {
        using RawClient client = node.Raw();
        Assert.Equal("+OK\r\n", client.Call("SELECT", "5"));
        Assert.Equal("+OK\r\n", client.Call("MSET", "m:a", "1", "m:b", "2", "m:c", "3"));
        try
        {
            List<object?> flat = RespValue.List(RespValue.Parse(client.Call("MEMORY", "STATS")));
            var stats = new Dictionary<string, object?>();
            for (int i = 0; i < flat.Count; i += 2)
            {
                stats[(string)flat[i]!] = flat[i + 1];
            }
            foreach (string field in (string[])["peak.allocated", "total.allocated", "startup.allocated", "replication.backlog", "clients.slaves",
                "clients.normal", "cluster.links", "aof.buffer", "lua.caches", "functions.caches", "overhead.total", "keys.count",
                "keys.bytes-per-key", "dataset.bytes", "allocator.allocated", "allocator.active", "allocator.resident",
                "allocator-fragmentation.bytes", "allocator-rss.bytes", "rss-overhead.bytes", "fragmentation.bytes"])
            {
                Assert.IsType<long>(stats[field]);
            }
            foreach (string field in (string[])["dataset.percentage", "peak.percentage", "allocator-fragmentation.ratio", "allocator-rss.ratio", "rss-overhead.ratio", "fragmentation"])
            {
                Assert.True(double.TryParse((string)stats[field]!, NumberStyles.Float, CultureInfo.InvariantCulture, out _), field);
            }
            Assert.True((long)stats["keys.count"]! >= 3);
            Assert.True((long)stats["total.allocated"]! > 0);
            List<object?> db = RespValue.List(stats["db.5"]);
            Assert.Equal("overhead.hashtable.main", db[0]);
            Assert.True((long)db[1]! > 0);
        }
        finally
        {
            Assert.Equal("+OK\r\n", client.Call("FLUSHDB"));
        }
    }

    [Fact]
    public void Memory_doctor_malloc_stats_and_purge_answer()
    {
        using RawClient client = node.Raw();
        Assert.StartsWith("$", client.Call("MEMORY", "DOCTOR"), StringComparison.Ordinal);
        Assert.Contains("Hi Sam", client.Call("MEMORY", "DOCTOR"), StringComparison.Ordinal);
        Assert.Contains("heap size:", client.Call("MEMORY", "MALLOC-STATS"), StringComparison.Ordinal);
        Assert.Equal("+OK\r\n", client.Call("MEMORY", "PURGE"));
        Assert.StartsWith("%", client.Call("HELLO", "3"), StringComparison.Ordinal);
        Assert.StartsWith("=", client.Call("MEMORY", "DOCTOR"), StringComparison.Ordinal);
        Assert.StartsWith("%", client.Call("MEMORY", "STATS"), StringComparison.Ordinal);
    }

    /// <summary>StackExchange.Redis's own commands for these (IServer.SlowlogGet, LatencyLatest, MemoryStats, ...) read the node's replies.</summary>
    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task StackExchange_redis_reads_slowlog_latency_and_memory(RedisProtocol protocol)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { node.Endpoint },
            Protocol = protocol,
            AbortOnConnectFail = true,
            AllowAdmin = true,
            ClientName = "diag",
            ConnectTimeout = 10_000,
            SyncTimeout = 10_000,
            AsyncTimeout = 10_000,
        };
        await using ConnectionMultiplexer redis = await ConnectionMultiplexer.ConnectAsync(options);
        IServer server = redis.GetServer(node.Endpoint);
        IDatabase db = redis.GetDatabase(6);
        string key = "se:diag:" + protocol;
        await db.StringSetAsync(key, "abc");

        server.ConfigSet("slowlog-log-slower-than", "0");
        try
        {
            await server.SlowlogResetAsync();
            await db.StringGetAsync(key);
            CommandTrace[] traces = await server.SlowlogGetAsync(10);
            CommandTrace get = Assert.Single(traces, t => t.Arguments.Length == 2 && (string?)t.Arguments[0] == "GET");
            Assert.Equal(key, (string?)get.Arguments[1]);
            Assert.True(get.Duration >= TimeSpan.Zero);
        }
        finally
        {
            server.ConfigSet("slowlog-log-slower-than", "10000");
        }

        Assert.Empty(await server.LatencyLatestAsync());
        Assert.Empty(await server.LatencyHistoryAsync("command"));
        Assert.Equal(0, await server.LatencyResetAsync());
        Assert.Contains("Dave", await server.LatencyDoctorAsync(), StringComparison.Ordinal);

        // Redis's figure for a 13-byte key holding "abc": dictEntry 24, key sds 16, embstr 32.
        Assert.Equal(72, (long)await db.ExecuteAsync("MEMORY", "USAGE", key));
        Assert.Contains("Hi Sam", await server.MemoryDoctorAsync(), StringComparison.Ordinal);
        RedisResult stats = await server.MemoryStatsAsync();
        Assert.True(stats.ToDictionary().ContainsKey("total.allocated"));
        await db.KeyDeleteAsync(key);
    }
}
