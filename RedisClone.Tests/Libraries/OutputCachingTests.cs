using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RedisClone.Tests.Compatibility;
using RedisClone.Tests.Infrastructure;
using Xunit.Abstractions;

namespace RedisClone.Tests.Libraries;

/// <summary>
/// ASP.NET Core output caching stored in Redis (Microsoft.AspNetCore.OutputCaching.StackExchangeRedis): a response is
/// cached in the server and served from there, and evicting its tag removes it.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class OutputCachingTests(DifferentialFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public Task A_cached_response_is_served_from_the_node_and_evicted_by_tag() => RunScenarioAsync(fixture.Node.Port);

    /// <summary>The same scenario against redis-server 7.0, with the commands the library sends recorded by MONITOR.</summary>
    [RequiresToolFact("redis-server")]
    public async Task The_scenario_passes_against_redis_server_and_shows_what_the_library_sends()
    {
        Assert.True(fixture.Redis.Available, "redis-server is not running:\n" + fixture.Redis.Log);
        using RawClient monitor = RawClient.Connect(fixture.Redis.Port);
        Assert.Equal("+OK\r\n", monitor.Call("MONITOR"));
        await RunScenarioAsync(fixture.Redis.Port);
        using (RawClient marker = RawClient.Connect(fixture.Redis.Port))
        {
            marker.Call("ECHO", "end-of-scenario");
        }
        var commands = new List<string>();
        while (true)
        {
            string line = monitor.ReadReply();
            if (line.Contains("end-of-scenario", StringComparison.Ordinal))
            {
                break;
            }
            commands.Add(line.TrimEnd());
        }
        foreach (string command in commands)
        {
            output.WriteLine(command);
        }
        // What the node test depends on: entries by SETEX, tags in sorted sets (ZADD, ZADD GT), eviction by ZSCAN of
        // the tag, UNLINK and ZREM; no scripting.
        string[] names = [.. commands.Select(CommandName)];
        Assert.Contains("ZADD", names);
        Assert.Contains("ZSCAN", names);
        Assert.Contains("ZREM", names);
        Assert.DoesNotContain("EVAL", names);
        Assert.DoesNotContain("EVALSHA", names);
    }

    /// <summary>
    /// A minimal app on loopback whose one endpoint counts its calls: the second request must be answered from the
    /// cache (same body, the endpoint not run, the entry in the server); after EvictByTagAsync the endpoint runs again.
    /// </summary>
    private static async Task RunScenarioAsync(int port)
    {
        string instance = "oc-" + Guid.NewGuid().ToString("N")[..8] + ":";
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddStackExchangeRedisOutputCache(options =>
        {
            options.Configuration = $"127.0.0.1:{port},abortConnect=false";
            options.InstanceName = instance;
        });
        builder.Services.AddOutputCache();
        await using WebApplication app = builder.Build();
        app.UseOutputCache();
        int calls = 0;
        app.MapGet("/things", () => $"computed {Interlocked.Increment(ref calls)}").CacheOutput(policy => policy.Expire(TimeSpan.FromMinutes(5)).Tag("things"));
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
            Assert.Equal("computed 1", await http.GetStringAsync("/things"));
            Assert.Equal("computed 1", await http.GetStringAsync("/things"));
            Assert.Equal(1, calls);
            Assert.NotEmpty(KeysWithPrefix(port, instance));

            IOutputCacheStore store = app.Services.GetRequiredService<IOutputCacheStore>();
            await store.EvictByTagAsync("things", CancellationToken.None);

            Assert.Equal("computed 2", await http.GetStringAsync("/things"));
            Assert.Equal(2, calls);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    /// <summary>The command name of a MONITOR line: +time [db addr] "NAME" "arg" ...</summary>
    private static string CommandName(string line)
    {
        int open = line.IndexOf("] \"", StringComparison.Ordinal) + 3;
        int close = line.IndexOf('"', open);
        return open < 3 || close < 0 ? "" : line[open..close].ToUpperInvariant();
    }

    private static List<string> KeysWithPrefix(int port, string prefix)
    {
        using RawClient client = RawClient.Connect(port);
        string reply = client.Call("KEYS", prefix + "*");
        return [.. reply.Split("\r\n").Where(l => l.StartsWith(prefix, StringComparison.Ordinal))];
    }
}
