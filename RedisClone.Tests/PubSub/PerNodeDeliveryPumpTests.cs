using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.PubSub;

/// <summary>
/// Each node owns its delivery pump: CONFIG SET pubsub-round-pause-max-us on one node of a process leaves another
/// node in the same process at the default, and both still deliver.
/// </summary>
public class PerNodeDeliveryPumpTests
{
    private const string Setting = "pubsub-round-pause-max-us";

    [Fact(Timeout = 60_000)]
    public async Task The_round_pause_set_on_one_node_does_not_reach_another_node_in_the_same_process()
    {
        var first = new NodeFixture();
        var second = new NodeFixture();
        try
        {
            await first.InitializeAsync();
            await second.InitializeAsync();
            using RawClient firstClient = first.Raw();
            using RawClient secondClient = second.Raw();

            Assert.Equal("+OK\r\n", firstClient.Call("CONFIG", "SET", Setting, "1000000"));

            Assert.Equal("*2\r\n$25\r\npubsub-round-pause-max-us\r\n$7\r\n1000000\r\n", firstClient.Call("CONFIG", "GET", Setting));
            Assert.Equal("*2\r\n$25\r\npubsub-round-pause-max-us\r\n$5\r\n20000\r\n", secondClient.Call("CONFIG", "GET", Setting));
            // CONFIG GET reads the node's settings; the pause a round actually takes is the pump's.
            Assert.NotSame(first.Server.Delivery, second.Server.Delivery);
            Assert.Equal(1_000_000, first.Server.Delivery.MaxPauseMicroseconds);
            Assert.Equal(20_000, second.Server.Delivery.MaxPauseMicroseconds);

            AssertDelivers(first);
            AssertDelivers(second);
        }
        finally
        {
            await second.DisposeAsync();
            await first.DisposeAsync();
        }
    }

    private static void AssertDelivers(NodeFixture node)
    {
        using RawClient subscriber = node.Raw();
        using RawClient publisher = node.Raw();
        Assert.Equal("*3\r\n$9\r\nsubscribe\r\n$10\r\npump:check\r\n:1\r\n", subscriber.Call("SUBSCRIBE", "pump:check"));
        Assert.Equal(":1\r\n", publisher.Call("PUBLISH", "pump:check", "hello"));
        Assert.Equal("*3\r\n$7\r\nmessage\r\n$10\r\npump:check\r\n$5\r\nhello\r\n", subscriber.ReadReply());
    }
}
