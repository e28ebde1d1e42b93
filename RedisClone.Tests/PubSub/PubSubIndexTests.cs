using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.PubSub;

/// <summary>The routing index's bookkeeping, on a node of its own so the counts are this test's alone.</summary>
public class PubSubIndexTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public void Numpat_counts_distinct_patterns_and_disconnects_and_cycles_leave_nothing_behind()
    {
        using (RawClient a = node.Raw())
        using (RawClient b = node.Raw())
        {
            a.Call("PSUBSCRIBE", "idx:*");
            b.Call("PSUBSCRIBE", "idx:*", "other:*");
            a.Call("SUBSCRIBE", "idx:chan");
            using RawClient query = node.Raw();
            Assert.Equal(":2\r\n", query.Call("PUBSUB", "NUMPAT"));
            Assert.Equal(":3\r\n", query.Call("PUBLISH", "idx:chan", "m"));
        }
        using RawClient observer = node.Raw();
        WaitUntil(() => observer.Call("PUBSUB", "NUMPAT") == ":0\r\n" && observer.Call("PUBSUB", "CHANNELS") == "*0\r\n",
            "subscriptions of closed connections to leave the index");

        using RawClient cycler = node.Raw();
        var batch = new System.Text.StringBuilder();
        const int Cycles = 20_000;
        for (int i = 0; i < Cycles; i++)
        {
            batch.Append($"SUBSCRIBE cyc:{i}\r\nPSUBSCRIBE cyc:{i}:*\r\nUNSUBSCRIBE cyc:{i}\r\nPUNSUBSCRIBE cyc:{i}:*\r\n");
        }
        cycler.Send(batch.ToString());
        for (int i = 0; i < Cycles * 4; i++)
        {
            cycler.ReadReply();
        }
        Assert.Equal(0, node.Server.PubSub.ChannelCount);
        Assert.Equal(0, node.Server.PubSub.PatternCount);
        Assert.Equal("*0\r\n", observer.Call("PUBSUB", "CHANNELS"));
    }

    private static void WaitUntil(Func<bool> condition, string what)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            Thread.Yield();
        }
    }
}
