using System.Diagnostics;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Libraries;

/// <summary>
/// HybridCache (Microsoft.Extensions.Caching.Hybrid) with the node as its second level, through
/// AddStackExchangeRedisCache as the library's documentation sets it up. Each service provider has its own first
/// level (in-process), so a second provider stands for a second application instance sharing the node.
/// </summary>
public sealed class HybridCacheTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private ServiceProvider CreateInstance(string prefix)
    {
        var services = new ServiceCollection();
        services.AddStackExchangeRedisCache(options =>
        {
            options.Configuration = node.Endpoint;
            options.InstanceName = prefix;
        });
        services.AddHybridCache();
        return services.BuildServiceProvider();
    }

    /// <summary>HybridCache writes its second level in the background: waits for the key to reach the node.</summary>
    private static async Task WaitForKeyAsync(RawClient raw, string key, bool present)
    {
        var clock = Stopwatch.StartNew();
        while (raw.Call("EXISTS", key) != (present ? ":1\r\n" : ":0\r\n"))
        {
            Assert.True(clock.Elapsed < Deadline, $"{key} did not {(present ? "appear" : "go away")} within {Deadline}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_second_instance_reads_the_value_from_the_node_and_remove_reaches_both()
    {
        await using ServiceProvider first = CreateInstance("hc-shared:");
        await using ServiceProvider second = CreateInstance("hc-shared:");
        HybridCache cacheA = first.GetRequiredService<HybridCache>();
        HybridCache cacheB = second.GetRequiredService<HybridCache>();
        int factoryCalls = 0;

        string value = await cacheA.GetOrCreateAsync("item", _ => { factoryCalls++; return ValueTask.FromResult("computed"); });
        Assert.Equal("computed", value);
        using (RawClient raw = node.Raw())
        {
            await WaitForKeyAsync(raw, "hc-shared:item", present: true);
            Assert.Equal("+hash\r\n", raw.Call("TYPE", "hc-shared:item"));
        }

        // Instance B has nothing in its first level: the value comes from the node, the factory is not called.
        string fromNode = await cacheB.GetOrCreateAsync("item", _ => { factoryCalls++; return ValueTask.FromResult("recomputed"); });
        Assert.Equal("computed", fromNode);
        Assert.Equal(1, factoryCalls);

        await cacheB.RemoveAsync("item");
        using (RawClient raw = node.Raw())
        {
            await WaitForKeyAsync(raw, "hc-shared:item", present: false);
        }
        await using ServiceProvider third = CreateInstance("hc-shared:");
        string afterRemove = await third.GetRequiredService<HybridCache>().GetOrCreateAsync("item", _ => { factoryCalls++; return ValueTask.FromResult("recomputed"); });
        Assert.Equal("recomputed", afterRemove);
        Assert.Equal(2, factoryCalls);
    }

    [Fact]
    public async Task The_entry_expires_on_the_node_and_is_computed_again()
    {
        await using ServiceProvider first = CreateInstance("hc-expiry:");
        HybridCache cache = first.GetRequiredService<HybridCache>();
        var options = new HybridCacheEntryOptions { Expiration = TimeSpan.FromSeconds(2), LocalCacheExpiration = TimeSpan.FromMilliseconds(500) };
        int factoryCalls = 0;

        Assert.Equal(1, await cache.GetOrCreateAsync("counter", _ => ValueTask.FromResult(++factoryCalls), options));
        using (RawClient raw = node.Raw())
        {
            await WaitForKeyAsync(raw, "hc-expiry:counter", present: true);
            string ttl = raw.Call("TTL", "hc-expiry:counter");
            Assert.True(ttl is ":1\r\n" or ":2\r\n", ttl);
            await WaitForKeyAsync(raw, "hc-expiry:counter", present: false);
        }
        await using ServiceProvider second = CreateInstance("hc-expiry:");
        Assert.Equal(2, await second.GetRequiredService<HybridCache>().GetOrCreateAsync("counter", _ => ValueTask.FromResult(++factoryCalls), options));
    }
}
