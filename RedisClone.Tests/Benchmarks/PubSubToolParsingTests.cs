using System.Net.Sockets;
using System.Text;
using RedisClone.Benchmarks.Cli;
using RedisClone.Benchmarks.PubSub;
using RedisClone.Benchmarks.Resp;
using RedisClone.Node.Util;

namespace RedisClone.Tests.Benchmarks;

/// <summary>The load tool's pure parts: frame parsing at every split, payload encoding, ordering and channel arithmetic.</summary>
public class PubSubToolParsingTests
{
    private static byte[] Array(string kind, params byte[][] items)
    {
        var frame = new List<byte>();
        frame.AddRange(Encoding.ASCII.GetBytes($"*{items.Length + 1}\r\n${kind.Length}\r\n{kind}\r\n"));
        foreach (byte[] item in items)
        {
            frame.AddRange(Encoding.ASCII.GetBytes($"${item.Length}\r\n"));
            frame.AddRange(item);
            frame.AddRange("\r\n"u8.ToArray());
        }
        return [.. frame];
    }

    private static byte[] Confirmation(string kind, string name, int count) =>
        Encoding.ASCII.GetBytes($"*3\r\n${kind.Length}\r\n{kind}\r\n${name.Length}\r\n{name}\r\n:{count}\r\n");

    private static byte[] PayloadOf(int publisher, long sequence, int size = 40)
    {
        byte[] payload = new byte[size];
        Payload.Write(payload, timestamp: 1234, publisher, sequence);
        return payload;
    }

    public static TheoryData<string> FrameKinds => ["message", "pmessage", "subscribe", "psubscribe"];

    [Theory]
    [MemberData(nameof(FrameKinds))]
    public void Every_proper_prefix_of_a_frame_is_incomplete_and_the_whole_frame_parses(string kind)
    {
        // \r\n inside the payload must not confuse a length-prefixed parser.
        byte[] payload = [.. "pay\r\nload"u8];
        byte[] frame = kind switch
        {
            "message" => Array("message", "news:1"u8.ToArray(), payload),
            "pmessage" => Array("pmessage", "news:*"u8.ToArray(), "news:1"u8.ToArray(), payload),
            _ => Confirmation(kind, "news:1", 12),
        };
        for (int length = 0; length < frame.Length; length++)
        {
            Assert.Equal(PushKind.Incomplete, PushFrameParser.Parse(frame.AsSpan(0, length)).Kind);
        }
        byte[] withNext = [.. frame, .. "*3\r\n"u8];
        PushFrame parsed = PushFrameParser.Parse(withNext);
        Assert.Equal(frame.Length, parsed.Consumed);
        Assert.Equal("news:1", Encoding.ASCII.GetString(parsed.Text(withNext)));
        switch (kind)
        {
            case "message":
                Assert.Equal(PushKind.Message, parsed.Kind);
                Assert.Equal(payload, parsed.Payload(withNext).ToArray());
                break;
            case "pmessage":
                Assert.Equal(PushKind.PatternMessage, parsed.Kind);
                Assert.Equal(payload, parsed.Payload(withNext).ToArray());
                break;
            case "subscribe":
                Assert.Equal(PushKind.Subscribed, parsed.Kind);
                Assert.Equal(12, parsed.Count);
                break;
            default:
                Assert.Equal(PushKind.PatternSubscribed, parsed.Kind);
                Assert.Equal(12, parsed.Count);
                break;
        }
    }

    [Fact]
    public void Errors_resp3_pushes_and_other_frames_are_recognised_and_garbage_is_rejected()
    {
        byte[] error = "-ERR unknown command\r\n"u8.ToArray();
        PushFrame parsed = PushFrameParser.Parse(error);
        Assert.Equal(PushKind.Error, parsed.Kind);
        Assert.Equal("ERR unknown command", Encoding.ASCII.GetString(parsed.Text(error)));

        byte[] push = [.. ">"u8, .. Array("message", "c"u8.ToArray(), "p"u8.ToArray()).AsSpan(1)];
        Assert.Equal(PushKind.Message, PushFrameParser.Parse(push).Kind);

        byte[] pong = "*2\r\n$4\r\npong\r\n$0\r\n\r\n"u8.ToArray();
        Assert.Equal(new PushFrame(PushKind.Other, pong.Length, 0, 0, 0, 0, 0), PushFrameParser.Parse(pong));

        Assert.Throws<InvalidDataException>(() => PushFrameParser.Parse("hello\r\n"u8));
        Assert.Throws<InvalidDataException>(() => PushFrameParser.Parse("*3\r\n$x\r\n"u8));
        Assert.Throws<InvalidDataException>(() => PushFrameParser.Parse("*1\r\n$2\r\nabXY"u8));
    }

    [Fact]
    public void A_stream_split_at_every_offset_gives_the_same_counts_as_one_read()
    {
        var map = new ChannelMap("t", channels: 2, subscribers: 2);
        var stream = new List<byte>(Confirmation("subscribe", map.ChannelName(0), 1));
        // Subscriber 0 is on channel 0: publisher 0 sends it sequences 0, 2, 4; publisher 1 sequences 1, 3, 5.
        foreach ((int publisher, long sequence) in new[] { (0, 0L), (1, 1L), (0, 2L), (1, 3L), (0, 4L), (1, 5L) })
        {
            stream.AddRange(Array("message", Encoding.ASCII.GetBytes(map.ChannelName(0)), PayloadOf(publisher, sequence)));
        }
        byte[] bytes = [.. stream];
        for (int split = 0; split <= bytes.Length; split++)
        {
            using var latency = new LatencyRecorder();
            var barrier = new SubscriptionBarrier(1);
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var subscriber = new SubscriberConnection(socket, 0, map, publishers: 2, barrier, latency);
            int first = subscriber.ProcessFrames(bytes.AsSpan(0, split));
            int second = subscriber.ProcessFrames(bytes.AsSpan(first));
            Assert.Equal(bytes.Length, first + second);
            Assert.True(barrier.AllConfirmed.IsCompleted, $"split at {split}: no confirmation");
            Assert.Equal(6, subscriber.Delivered);
            Assert.Equal(0, subscriber.Duplicates + subscriber.OutOfOrder + subscriber.Unexpected);
            Assert.Equal(6, latency.Merge().TotalCount);
        }
    }

    [Fact]
    public void A_subscriber_counts_duplicates_late_messages_and_other_channels_messages()
    {
        var map = new ChannelMap("t", channels: 2, subscribers: 2);
        var stream = new List<byte>();
        // Publisher 0 to channel 0: 0, 4 (2 missing so far), 2 (late), 2 again, sequence 1 is channel 1's.
        foreach (long sequence in new[] { 0L, 4L, 2L, 2L, 1L })
        {
            stream.AddRange(Array("message", "t:0:feed"u8.ToArray(), PayloadOf(0, sequence)));
        }
        stream.AddRange(Array("message", "t:0:feed"u8.ToArray(), "too short"u8.ToArray()));
        using var latency = new LatencyRecorder();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var subscriber = new SubscriberConnection(socket, 0, map, publishers: 1, new SubscriptionBarrier(1), latency);
        subscriber.ProcessFrames(stream.ToArray());
        Assert.Equal(3, subscriber.Delivered);
        Assert.Equal(1, subscriber.OutOfOrder);
        Assert.Equal(1, subscriber.Duplicates);
        Assert.Equal(2, subscriber.Unexpected);
    }

    [Fact]
    public void Delivery_order_tells_late_from_duplicate_within_its_window()
    {
        var order = default(DeliveryOrder);
        var arrivals = new List<Arrival>();
        foreach (long index in new long[] { 0, 1, 3, 2, 2, 3, 70, 5, 6, 5 })
        {
            arrivals.Add(order.Record(index));
        }
        Assert.Equal<Arrival>(
            [Arrival.InOrder, Arrival.InOrder, Arrival.InOrder, Arrival.OutOfOrder, Arrival.Duplicate, Arrival.Duplicate,
             Arrival.InOrder, Arrival.OutOfOrder, Arrival.OutOfOrder, Arrival.OutOfOrder],
            arrivals);
    }

    [Fact]
    public void A_payload_carries_time_publisher_and_sequence_and_is_padded()
    {
        byte[] payload = new byte[64];
        Payload.Write(payload, timestamp: 123_456_789_012, publisher: 7, sequence: 9_876_543_210);
        Assert.True(Payload.TryRead(payload, out long timestamp, out int publisher, out long sequence));
        Assert.Equal((123_456_789_012, 7, 9_876_543_210), (timestamp, publisher, sequence));
        Assert.All(payload[Payload.HeaderSize..], b => Assert.Equal(Payload.Padding, b));
        Assert.False(Payload.TryRead(payload.AsSpan(0, Payload.HeaderSize - 1), out _, out _, out _));
    }

    [Fact]
    public void Publish_replies_are_counted_up_to_the_last_complete_line()
    {
        byte[] replies = ":5\r\n:0\r\n-ERR wrong\r\n:12"u8.ToArray();
        int consumed = ReplyScanner.Scan(replies, out int count, out int errors);
        Assert.Equal((3, 1, replies.Length - 3), (count, errors, consumed));
        Assert.Throws<InvalidDataException>(() => ReplyScanner.Scan("*1\r\n"u8, out _, out _));
    }

    [Fact]
    public void The_channel_map_routes_each_message_to_exactly_the_subscribers_that_expect_it()
    {
        var map = new ChannelMap("bench", channels: 12, subscribers: 30);
        Assert.Equal(30, Enumerable.Range(0, 12).Sum(map.SubscribersOn));
        for (int publisher = 0; publisher < 3; publisher++)
        {
            for (long sequence = 0; sequence < 50; sequence++)
            {
                int channel = map.ChannelOfMessage(publisher, sequence);
                for (int c = 0; c < map.Channels; c++)
                {
                    bool expects = (sequence - map.FirstSequenceOn(publisher, c)) % map.Channels == 0;
                    Assert.Equal(c == channel, expects);
                }
            }
        }
        // bench:1:* must not also catch bench:10:feed, or pattern subscribers would get other channels' messages.
        for (int c = 0; c < map.Channels; c++)
        {
            for (int other = 0; other < map.Channels; other++)
            {
                bool matches = GlobMatcher.IsMatch(Encoding.ASCII.GetBytes(map.PatternFor(c)), Encoding.ASCII.GetBytes(map.ChannelName(other)));
                Assert.Equal(c == other, matches);
            }
        }
    }

    [Fact]
    public void Options_parse_with_suffixes_and_bad_values_are_one_line_errors()
    {
        ToolOptions options = OptionParser.Parse(
            ["pubsub", "--endpoints", "127.0.0.1:7000,localhost:7001", "--subscribers", "2k", "--messages=1m", "--patterns", "--rate", "5000"]);
        Assert.Equal(ToolMode.PubSub, options.Mode);
        Assert.Equal(2, options.PublishEndpoints.Count);
        Assert.Equal(options.PublishEndpoints, options.SubscribeEndpoints);
        Assert.Equal((2000, 1_000_000L, true, 5000.0), (options.Subscribers, options.Messages, options.Patterns, options.Rate));

        ToolOptions idle = OptionParser.Parse(["idle", "--idle-connections", "300"]);
        Assert.Equal((ToolMode.Idle, 300), (idle.Mode, idle.Channels));

        Assert.Throws<OptionParser.UsageException>(() => OptionParser.Parse(["--size", "8"]));
        Assert.Throws<OptionParser.UsageException>(() => OptionParser.Parse(["--publish-endpoints", "nohost"]));
        Assert.Throws<OptionParser.UsageException>(() => OptionParser.Parse(["--subscribers", "0"]));
        Assert.Throws<OptionParser.UsageException>(() => OptionParser.Parse(["idle"]));
        Assert.Throws<OptionParser.UsageException>(() => OptionParser.Parse(["--bogus", "1"]));
    }
}
