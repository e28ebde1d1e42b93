using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using RedisClone.Tests.Infrastructure;
using StackExchange.Redis;

namespace RedisClone.Tests.Libraries;

/// <summary>
/// Orleans' Redis clustering (Microsoft.Orleans.Clustering.Redis) with the node as the membership table: a silo
/// configured as the library's documentation shows starts, registers itself and is seen as active.
/// </summary>
public sealed class OrleansClusteringTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    // Run once against redis-server 7.0.15 (this test pointed at it), where it passes. Found by reading what the library sends: its membership table writes rows with Lua scripts (ScriptEvaluateAsync:
    // InsertRow, UpdateRow, UpdateIAmAlive and DeleteRow are EVAL scripts calling HGET/HSET/HEXISTS/HDEL).
    [Fact(Skip = "Orleans' Redis membership table needs EVAL/EVALSHA (Lua scripts for InsertRow, UpdateRow, UpdateIAmAlive), which the node does not have")]
    public async Task A_silo_joins_the_cluster_through_the_node()
    {
        int siloPort = FreePort();
        int gatewayPort = FreePort();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo =>
        {
            silo.UseRedisClustering(options => options.ConfigurationOptions = ConfigurationOptions.Parse(node.Endpoint));
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = "redisclone-test";
                options.ServiceId = "redisclone-service";
            });
            silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort);
        });
        using IHost host = builder.Build();
        using var startup = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StartAsync(startup.Token);
        try
        {
            IManagementGrain management = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
            Dictionary<SiloAddress, SiloStatus> hosts = await management.GetHosts(onlyActive: true);
            Assert.Single(hosts);
            Assert.Equal(siloPort, hosts.Keys.Single().Endpoint.Port);
            using RawClient raw = node.Raw();
            string keys = raw.Call("KEYS", "*redisclone-test*");
            Assert.StartsWith("*1\r\n", keys, StringComparison.Ordinal);
            string key = keys.Split("\r\n")[2];
            Assert.Equal("+hash\r\n", raw.Call("TYPE", key));
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
