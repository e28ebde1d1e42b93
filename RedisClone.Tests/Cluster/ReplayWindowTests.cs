using System.Text;
using RedisClone.Node.Cluster;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Cluster;

/// <summary>A link drop shorter than the replay window loses nothing: the receiver resumes after the last sequence it saw.</summary>
public class ReplayWindowTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Messages_published_while_links_are_cut_arrive_in_order_after_the_links_return()
    {
        using RawClient subscriber = cluster.Raw(1);
        using RawClient publisher = cluster.Raw(0);
        subscriber.Call("SUBSCRIBE", "blip:chan");
        Member node2 = cluster.Cluster(0).MembersSnapshot().Single(m => m.Name == "n2");

        cluster.Cluster(0).CutLinks(TimeSpan.FromMilliseconds(1500));
        await ClusterFixture.WaitUntil(() => !node2.Link!.Connected, "the link to drop");
        Publish(publisher, "blip:chan", 1000);
        Assert.True(node2.Link!.Log.Count > 0, "the messages should wait in the replay log while the link is down");

        for (int i = 0; i < 1000; i++)
        {
            string m = $"m{i}";
            Assert.Equal($"*3\r\n$7\r\nmessage\r\n$9\r\nblip:chan\r\n${m.Length}\r\n{m}\r\n", subscriber.ReadReply());
        }
        await ClusterFixture.WaitUntil(() => node2.Link.Connected, "the link to come back");
        using RawClient onNode2 = cluster.Raw(1);
        Assert.Contains("gossip_replay_gaps:0", onNode2.Call("INFO", "gossip"));
    }

    internal static void Publish(RawClient publisher, string channel, int count)
    {
        var batch = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            batch.Append($"PUBLISH {channel} m{i}\r\n");
        }
        publisher.Send(batch.ToString());
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(":0\r\n", publisher.ReadReply());
        }
    }
}

/// <summary>A cluster whose replay window holds only 100 messages per peer.</summary>
public sealed class SmallWindowClusterFixture : ClusterFixture
{
    protected override string[] ExtraArgs => [.. base.ExtraArgs, "--cluster-replay-window-messages", "100"];
}

/// <summary>Beyond the window the loss is counted and reported, never silent.</summary>
public class ReplayGapTests(SmallWindowClusterFixture cluster) : IClassFixture<SmallWindowClusterFixture>
{
    [Fact]
    public async Task Messages_beyond_the_window_are_counted_as_a_gap_and_the_rest_arrive_in_order()
    {
        using RawClient subscriber = cluster.Raw(1);
        using RawClient publisher = cluster.Raw(0);
        subscriber.Call("SUBSCRIBE", "gap:chan");
        Member node2 = cluster.Cluster(0).MembersSnapshot().Single(m => m.Name == "n2");

        cluster.Cluster(0).CutLinks(TimeSpan.FromMilliseconds(1000));
        ReplayWindowTests.Publish(publisher, "gap:chan", 1000);

        // Only the last 100 fit in the window.
        for (int i = 900; i < 1000; i++)
        {
            string m = $"m{i}";
            Assert.Equal($"*3\r\n$7\r\nmessage\r\n$8\r\ngap:chan\r\n${m.Length}\r\n{m}\r\n", subscriber.ReadReply());
        }
        using RawClient onNode2 = cluster.Raw(1);
        Assert.Contains("gossip_replay_gaps:900", onNode2.Call("INFO", "gossip"));
        Assert.Equal(900, cluster.Cluster(1).ReplayGaps);
        await ClusterFixture.WaitUntil(() => node2.Link!.Connected, "the link to come back");
        // Never sent (they fell out of the window while the link was down): dropped on the sender, a gap on the receiver.
        Assert.Equal(900, node2.Link!.Log.Dropped);
    }
}
