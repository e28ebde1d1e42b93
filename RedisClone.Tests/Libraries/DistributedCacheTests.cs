using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Libraries;

/// <summary>
/// IDistributedCache from Microsoft.Extensions.Caching.StackExchangeRedis against the node, configured as its
/// documentation shows (AddStackExchangeRedisCache). The library keeps each entry in a hash (HSET/HMGET/HGETALL with
/// EXPIRE), so absolute and sliding expiry, Refresh and Remove all go through the hash commands and key TTLs.
/// </summary>
public sealed class DistributedCacheTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private ServiceProvider CreateServices(string instance) => new ServiceCollection()
        .AddStackExchangeRedisCache(options =>
        {
            options.Configuration = node.Endpoint;
            options.InstanceName = instance;
        })
        .BuildServiceProvider();

    /// <summary>
    /// Waits for the node to expire <paramref name="storedKey"/>, watched with EXISTS (a read through the cache would
    /// slide a sliding expiry), then checks that the cache no longer has <paramref name="key"/>.
    /// </summary>
    private async Task WaitUntilGoneAsync(IDistributedCache cache, string key, string storedKey)
    {
        var clock = Stopwatch.StartNew();
        using (RawClient raw = node.Raw())
        {
            while (raw.Call("EXISTS", storedKey) != ":0\r\n")
            {
                Assert.True(clock.Elapsed < Deadline, $"{storedKey} did not expire within {Deadline}");
                await Task.Delay(50);
            }
        }
        Assert.Null(await cache.GetAsync(key));
    }

    [Fact]
    public async Task Set_get_and_remove_keep_the_entry_in_a_hash()
    {
        await using ServiceProvider services = CreateServices("dc-basic:");
        IDistributedCache cache = services.GetRequiredService<IDistributedCache>();

        await cache.SetStringAsync("greeting", "hello", new DistributedCacheEntryOptions());
        Assert.Equal("hello", await cache.GetStringAsync("greeting"));
        using (RawClient raw = node.Raw())
        {
            Assert.Equal("+hash\r\n", raw.Call("TYPE", "dc-basic:greeting"));
            Assert.Equal(":-1\r\n", raw.Call("TTL", "dc-basic:greeting"));
        }

        byte[] binary = [0, 1, 2, 255, 13, 10];
        await cache.SetAsync("binary", binary, new DistributedCacheEntryOptions());
        Assert.Equal(binary, await cache.GetAsync("binary"));

        await cache.RemoveAsync("greeting");
        Assert.Null(await cache.GetStringAsync("greeting"));
        using (RawClient raw = node.Raw())
        {
            Assert.Equal(":0\r\n", raw.Call("EXISTS", "dc-basic:greeting"));
        }
        Assert.Null(await cache.GetAsync("never-set"));
    }

    [Fact]
    public async Task Absolute_expiry_removes_the_entry()
    {
        await using ServiceProvider services = CreateServices("dc-absolute:");
        IDistributedCache cache = services.GetRequiredService<IDistributedCache>();

        await cache.SetStringAsync("soon", "v", new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(2) });
        Assert.Equal("v", await cache.GetStringAsync("soon"));
        using (RawClient raw = node.Raw())
        {
            string ttl = raw.Call("TTL", "dc-absolute:soon");
            Assert.True(ttl is ":1\r\n" or ":2\r\n", ttl);
        }
        await WaitUntilGoneAsync(cache, "soon", "dc-absolute:soon");
    }

    [Fact]
    public async Task Sliding_expiry_is_extended_by_reads_and_refresh_then_lapses()
    {
        await using ServiceProvider services = CreateServices("dc-sliding:");
        IDistributedCache cache = services.GetRequiredService<IDistributedCache>();
        TimeSpan window = TimeSpan.FromSeconds(2);

        await cache.SetStringAsync("kept", "v", new DistributedCacheEntryOptions { SlidingExpiration = window });
        // Reads and refreshes for twice the window: each one pushes the expiry out again, so the entry stays.
        var clock = Stopwatch.StartNew();
        int round = 0;
        while (clock.Elapsed < window * 2)
        {
            if (round++ % 2 == 0)
            {
                Assert.Equal("v", await cache.GetStringAsync("kept"));
            }
            else
            {
                await cache.RefreshAsync("kept");
                using RawClient raw = node.Raw();
                Assert.Equal(":1\r\n", raw.Call("EXISTS", "dc-sliding:kept"));
            }
            await Task.Delay(window / 4);
        }
        Assert.Equal("v", await cache.GetStringAsync("kept"));
        await WaitUntilGoneAsync(cache, "kept", "dc-sliding:kept");
    }

    [Fact]
    public async Task Sliding_expiry_never_outlives_the_absolute_one()
    {
        await using ServiceProvider services = CreateServices("dc-both:");
        IDistributedCache cache = services.GetRequiredService<IDistributedCache>();

        var options = new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(10), AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(2) };
        await cache.SetAsync("capped", Encoding.UTF8.GetBytes("v"), options);
        await cache.RefreshAsync("capped");
        using (RawClient raw = node.Raw())
        {
            string ttl = raw.Call("TTL", "dc-both:capped");
            Assert.True(ttl is ":1\r\n" or ":2\r\n", ttl);
        }
        await WaitUntilGoneAsync(cache, "capped", "dc-both:capped");
    }
}
