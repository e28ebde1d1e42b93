using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.PubSub;

/// <summary>The exact frames and counts of Redis's pub/sub, read off the wire.</summary>
public class PubSubFrameTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static string Frame(string kind, string name, int count) => $"*3\r\n${kind.Length}\r\n{kind}\r\n${name.Length}\r\n{name}\r\n:{count}\r\n";

    [Fact]
    public void Subscribe_to_three_channels_sends_three_confirmations_and_nothing_else()
    {
        using RawClient client = node.Raw();
        client.Command("SUBSCRIBE", "f1:a", "f1:b", "f1:c");
        Assert.Equal(Frame("subscribe", "f1:a", 1), client.ReadReply());
        Assert.Equal(Frame("subscribe", "f1:b", 2), client.ReadReply());
        Assert.Equal(Frame("subscribe", "f1:c", 3), client.ReadReply());
        // The next thing on the wire is the reply to PING, so there was no +OK in between.
        Assert.Equal("*2\r\n$4\r\npong\r\n$0\r\n\r\n", client.Call("PING"));
    }

    [Fact]
    public void Unsubscribe_with_nothing_subscribed_confirms_once_with_a_null_name()
    {
        using RawClient client = node.Raw();
        Assert.Equal("*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n", client.Call("UNSUBSCRIBE"));
        Assert.Equal("*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n", client.Call("PUNSUBSCRIBE"));
        Assert.Equal("*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n", client.Call("SUNSUBSCRIBE"));
        client.Call("HELLO", "3");
        Assert.Equal(">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n", client.Call("UNSUBSCRIBE"));
    }

    [Fact]
    public void Counts_add_channels_and_patterns_but_shard_channels_count_alone()
    {
        using RawClient client = node.Raw();
        Assert.Equal(Frame("subscribe", "f2:a", 1), client.Call("SUBSCRIBE", "f2:a"));
        Assert.Equal(Frame("subscribe", "f2:a", 1), client.Call("SUBSCRIBE", "f2:a"));
        Assert.Equal(Frame("psubscribe", "f2:*", 2), client.Call("PSUBSCRIBE", "f2:*"));
        Assert.Equal(Frame("ssubscribe", "f2:s", 1), client.Call("SSUBSCRIBE", "f2:s"));
        Assert.Equal(Frame("unsubscribe", "f2:a", 1), client.Call("UNSUBSCRIBE", "f2:a"));
        Assert.Equal(Frame("unsubscribe", "f2:never", 1), client.Call("UNSUBSCRIBE", "f2:never"));
        Assert.Equal(Frame("sunsubscribe", "f2:s", 0), client.Call("SUNSUBSCRIBE"));
    }

    [Fact]
    public void A_client_on_a_channel_and_a_matching_pattern_gets_both_frames()
    {
        using RawClient subscriber = node.Raw();
        using RawClient publisher = node.Raw();
        subscriber.Call("SUBSCRIBE", "f3:foo");
        subscriber.Call("PSUBSCRIBE", "f3:f*");
        subscriber.Call("PSUBSCRIBE", "f3:*");
        Assert.Equal(":3\r\n", publisher.Call("PUBLISH", "f3:foo", "hi"));
        Assert.Equal("*3\r\n$7\r\nmessage\r\n$6\r\nf3:foo\r\n$2\r\nhi\r\n", subscriber.ReadReply());
        var patternFrames = new HashSet<string> { subscriber.ReadReply(), subscriber.ReadReply() };
        Assert.Contains("*4\r\n$8\r\npmessage\r\n$5\r\nf3:f*\r\n$6\r\nf3:foo\r\n$2\r\nhi\r\n", patternFrames);
        Assert.Contains("*4\r\n$8\r\npmessage\r\n$4\r\nf3:*\r\n$6\r\nf3:foo\r\n$2\r\nhi\r\n", patternFrames);
    }

    [Fact]
    public void Shard_messages_use_the_smessage_kind()
    {
        using RawClient subscriber = node.Raw();
        using RawClient publisher = node.Raw();
        subscriber.Call("SSUBSCRIBE", "f4:s");
        Assert.Equal(":0\r\n", publisher.Call("PUBLISH", "f4:s", "x"));
        Assert.Equal(":1\r\n", publisher.Call("SPUBLISH", "f4:s", "x"));
        Assert.Equal("*3\r\n$8\r\nsmessage\r\n$4\r\nf4:s\r\n$1\r\nx\r\n", subscriber.ReadReply());
    }

    [Fact]
    public void Resp2_subscribed_mode_allows_only_subscription_commands_ping_quit_reset()
    {
        using RawClient client = node.Raw();
        client.Call("SUBSCRIBE", "f5:a");
        Assert.Equal("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n", client.Call("GET", "k"));
        Assert.Equal("-ERR Can't execute 'client|id': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n", client.Call("CLIENT", "ID"));
        Assert.Equal("*2\r\n$4\r\npong\r\n$5\r\nhello\r\n", client.Call("PING", "hello"));
        Assert.Equal("+RESET\r\n", client.Call("RESET"));
        Assert.Equal("$-1\r\n", client.Call("GET", "f5:missing"));
    }

    [Fact]
    public void Resp3_allows_every_command_and_pushes_interleave_with_replies()
    {
        using RawClient subscriber = node.Raw();
        using RawClient publisher = node.Raw();
        subscriber.Call("HELLO", "3");
        Assert.Equal(">3\r\n$9\r\nsubscribe\r\n$4\r\nf6:a\r\n:1\r\n", subscriber.Call("SUBSCRIBE", "f6:a"));
        Assert.Equal("+OK\r\n", subscriber.Call("SET", "f6:k", "v"));
        Assert.Equal("+PONG\r\n", subscriber.Call("PING"));
        Assert.Equal(":1\r\n", publisher.Call("PUBLISH", "f6:a", "m1"));
        Assert.Equal(">3\r\n$7\r\nmessage\r\n$4\r\nf6:a\r\n$2\r\nm1\r\n", subscriber.ReadReply());
        Assert.Equal("$1\r\nv\r\n", subscriber.Call("GET", "f6:k"));
    }

    [Fact]
    public void Publishing_to_a_channel_you_subscribe_to_delivers_before_the_reply()
    {
        using RawClient client = node.Raw();
        client.Call("HELLO", "3");
        client.Call("SUBSCRIBE", "f7:self");
        client.Command("PUBLISH", "f7:self", "me");
        Assert.Equal(">3\r\n$7\r\nmessage\r\n$7\r\nf7:self\r\n$2\r\nme\r\n", client.ReadReply());
        Assert.Equal(":1\r\n", client.ReadReply());
    }

    [Fact]
    public void Pubsub_introspection_answers_for_this_node()
    {
        using RawClient a = node.Raw();
        using RawClient b = node.Raw();
        using RawClient query = node.Raw();
        a.Call("SUBSCRIBE", "f8:x", "f8:y");
        b.Call("SUBSCRIBE", "f8:x");
        a.Call("PSUBSCRIBE", "f8:p*");
        b.Call("PSUBSCRIBE", "f8:p*");
        b.Call("SSUBSCRIBE", "f8:s");
        Assert.Equal("*6\r\n$4\r\nf8:x\r\n:2\r\n$4\r\nf8:y\r\n:1\r\n$4\r\nf8:z\r\n:0\r\n", query.Call("PUBSUB", "NUMSUB", "f8:x", "f8:y", "f8:z"));
        string channels = query.Call("PUBSUB", "CHANNELS", "f8:*");
        Assert.StartsWith("*2\r\n", channels);
        Assert.Contains("$4\r\nf8:x\r\n", channels);
        Assert.Contains("$4\r\nf8:y\r\n", channels);
        Assert.Equal("*1\r\n$4\r\nf8:s\r\n", query.Call("PUBSUB", "SHARDCHANNELS", "f8:*"));
        Assert.Equal("*2\r\n$4\r\nf8:s\r\n:1\r\n", query.Call("PUBSUB", "SHARDNUMSUB", "f8:s"));
        query.Call("HELLO", "3");
        Assert.StartsWith("*2\r\n", query.Call("PUBSUB", "NUMSUB", "f8:x"));
        string pubsubClients = query.Call("CLIENT", "LIST", "TYPE", "pubsub");
        Assert.Contains("flags=P db=0 sub=2 psub=1 ssub=0", pubsubClients);
        Assert.Contains("flags=P db=0 sub=1 psub=1 ssub=1", pubsubClients);
    }
}
