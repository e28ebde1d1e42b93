using System.Text;
using RedisClone.Node.Cluster;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Cluster;

/// <summary>Pub/sub across three nodes: delivery, interest routing and the subscribe-then-publish guarantee.</summary>
public class ClusterPubSubTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public void A_message_published_on_one_node_reaches_channel_and_pattern_subscribers_on_the_others()
    {
        using RawClient onNode3 = cluster.Raw(2);
        using RawClient onNode2 = cluster.Raw(1);
        using RawClient publisher = cluster.Raw(0);
        onNode3.Call("SUBSCRIBE", "x:orders");
        onNode2.Call("PSUBSCRIBE", "x:ord*");
        Assert.Equal(":0\r\n", publisher.Call("PUBLISH", "x:orders", "o1")); // the count is this node's receivers
        Assert.Equal("*3\r\n$7\r\nmessage\r\n$8\r\nx:orders\r\n$2\r\no1\r\n", onNode3.ReadReply());
        Assert.Equal("*4\r\n$8\r\npmessage\r\n$6\r\nx:ord*\r\n$8\r\nx:orders\r\n$2\r\no1\r\n", onNode2.ReadReply());
    }

    [Fact]
    public void Messages_from_one_publisher_arrive_in_order_exactly_once_per_subscription()
    {
        using RawClient subscriber = cluster.Raw(1);
        using RawClient publisher = cluster.Raw(0);
        subscriber.Call("SUBSCRIBE", "order:chan");
        subscriber.Call("PSUBSCRIBE", "order:*");
        var batch = new StringBuilder();
        for (int i = 0; i < 2000; i++)
        {
            batch.Append($"PUBLISH order:chan m{i}\r\n");
        }
        publisher.Send(batch.ToString());
        for (int i = 0; i < 2000; i++)
        {
            publisher.ReadReply();
        }
        for (int i = 0; i < 2000; i++)
        {
            string m = $"m{i}";
            Assert.Equal($"*3\r\n$7\r\nmessage\r\n$10\r\norder:chan\r\n${m.Length}\r\n{m}\r\n", subscriber.ReadReply());
            Assert.Equal($"*4\r\n$8\r\npmessage\r\n$7\r\norder:*\r\n$10\r\norder:chan\r\n${m.Length}\r\n{m}\r\n", subscriber.ReadReply());
        }
        Assert.Equal("*2\r\n$4\r\npong\r\n$0\r\n\r\n", subscriber.Call("PING")); // nothing else was delivered
    }

    [Fact]
    public void Once_subscribe_is_acknowledged_a_publish_on_another_node_is_never_missed()
    {
        using RawClient subscriber = cluster.Raw(1);
        using RawClient publisher = cluster.Raw(0);
        subscriber.Call("HELLO", "3");
        for (int i = 0; i < 2000; i++)
        {
            string channel = $"race:{i}";
            Assert.Equal($">3\r\n$9\r\nsubscribe\r\n${channel.Length}\r\n{channel}\r\n:1\r\n", subscriber.Call("SUBSCRIBE", channel));
            publisher.Call("PUBLISH", channel, "now");
            Assert.Equal($">3\r\n$7\r\nmessage\r\n${channel.Length}\r\n{channel}\r\n$3\r\nnow\r\n", subscriber.ReadReply());
            subscriber.Call("UNSUBSCRIBE", channel);
        }
    }

    [Fact]
    public async Task A_node_without_subscribers_receives_no_message_traffic()
    {
        using RawClient subscriber = cluster.Raw(1);
        using RawClient publisher = cluster.Raw(0);
        subscriber.Call("SUBSCRIBE", "only2:chan");
        Member node3 = cluster.Cluster(0).MembersSnapshot().Single(m => m.Name == "n3");
        Member node2 = cluster.Cluster(0).MembersSnapshot().Single(m => m.Name == "n2");
        long toNode3Before = node3.MessagesOut, bytesToNode3Before = node3.BytesOut, toNode2Before = node2.MessagesOut;
        for (int i = 0; i < 500; i++)
        {
            publisher.Call("PUBLISH", "only2:chan", "payload-" + i);
        }
        for (int i = 0; i < 500; i++)
        {
            subscriber.ReadReply();
        }
        await ClusterFixture.WaitUntil(() => node2.MessagesOut - toNode2Before >= 500, "node 1 to count its messages to node 2");
        Assert.Equal(toNode3Before, node3.MessagesOut);
        Assert.Equal(bytesToNode3Before, node3.BytesOut);
    }

    [Fact]
    public void Shard_channels_are_routed_across_nodes_like_channels_and_arrive_as_smessage()
    {
        using RawClient subscriber = cluster.Raw(2);
        using RawClient publisher = cluster.Raw(1);
        subscriber.Call("SSUBSCRIBE", "shard:a");
        subscriber.Call("PSUBSCRIBE", "shard:*");
        Assert.Equal(":0\r\n", publisher.Call("SPUBLISH", "shard:a", "s1"));
        Assert.Equal("*3\r\n$8\r\nsmessage\r\n$7\r\nshard:a\r\n$2\r\ns1\r\n", subscriber.ReadReply());
        // Shard messages do not match patterns, as in Redis: nothing else is waiting.
        Assert.Equal("*2\r\n$4\r\npong\r\n$0\r\n\r\n", subscriber.Call("PING"));
    }

    [Fact]
    public void Info_has_a_gossip_section_and_cluster_commands_answer_as_standalone_redis()
    {
        using RawClient client = cluster.Raw(0);
        string info = client.Call("INFO", "gossip");
        Assert.Contains("gossip_enabled:1", info);
        Assert.Contains("node_name:n1", info);
        Assert.Contains("name=n2,", info);
        Assert.Contains("name=n3,", info);
        Assert.Contains("state=alive,link=up", info);
        Assert.Equal("-ERR This instance has cluster support disabled\r\n", client.Call("CLUSTER", "INFO"));
        Assert.Contains("cluster_enabled:0", client.Call("INFO", "cluster"));
    }
}
