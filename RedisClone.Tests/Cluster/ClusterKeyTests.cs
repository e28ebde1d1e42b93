using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using RedisClone.Node.Commands;
using RedisClone.Node.Hosting;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Cluster;

/// <summary>A cluster whose nodes share a key.</summary>
public sealed class KeyedClusterFixture : ClusterFixture
{
    protected override string[] ExtraArgs => [.. base.ExtraArgs, "--cluster-key", "right-key"];
}

public class ClusterKeyTests(KeyedClusterFixture cluster) : IClassFixture<KeyedClusterFixture>
{
    [Theory]
    [InlineData("wrong-key")]
    [InlineData(null)]
    public async Task A_node_with_a_wrong_or_missing_key_is_rejected(string? key)
    {
        string[] keyArgs = key is null ? [] : ["--cluster-key", key];
        WebApplication intruder = NodeHost.Build(["--port", "0", "--cluster-port", "0", "--node-name", "intruder", "--cluster-heartbeat-ms", "100",
            "--cluster-peers", cluster.Cluster(0).Address, .. keyArgs]);
        await intruder.StartAsync();
        try
        {
            NodeServer node = intruder.Services.GetRequiredService<NodeServer>();
            long rejectedBefore = cluster.Cluster(0).RejectedCalls;
            // The intruder keeps retrying with backoff; after several refusals, nobody has let it in.
            await ClusterFixture.WaitUntil(() => cluster.Cluster(0).RejectedCalls >= rejectedBefore + 3, "node 1 to refuse the intruder three times");
            Assert.Empty(node.Cluster!.MembersSnapshot());
            Assert.DoesNotContain(cluster.Cluster(0).MembersSnapshot(), m => m.Name == "intruder");
            using RawClient client = RawClient.Connect(node.BoundPort);
            Assert.Contains("gossip_peers:0", client.Call("INFO", "gossip"));
        }
        finally
        {
            await intruder.StopAsync();
            await intruder.DisposeAsync();
        }
    }

    [Fact]
    public void Nodes_with_the_right_key_form_the_cluster()
    {
        using RawClient subscriber = cluster.Raw(2);
        using RawClient publisher = cluster.Raw(0);
        subscriber.Call("SUBSCRIBE", "keyed:chan");
        publisher.Call("PUBLISH", "keyed:chan", "hi");
        Assert.Equal("*3\r\n$7\r\nmessage\r\n$10\r\nkeyed:chan\r\n$2\r\nhi\r\n", subscriber.ReadReply());
    }
}
