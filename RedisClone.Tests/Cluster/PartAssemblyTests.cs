using Google.Protobuf;
using RedisClone.Node.Cluster;
using RedisClone.Node.Cluster.Protocol;

namespace RedisClone.Tests.Cluster;

/// <summary>Messages sent in parts: put back together exactly, refused over this node's bulk limit, broken streams refused.</summary>
public class PartAssemblyTests
{
    private static IEnumerable<MessagePart> Parts(ulong sequence, byte[] channel, byte[] payload, int partBytes)
    {
        byte[] all = [.. channel, .. payload];
        for (int offset = 0; offset < all.Length; offset += partBytes)
        {
            yield return new MessagePart
            {
                Sequence = sequence,
                ChannelLength = (ulong)channel.Length,
                TotalLength = (ulong)all.Length,
                Offset = (ulong)offset,
                Chunk = ByteString.CopyFrom(all, offset, Math.Min(partBytes, all.Length - offset)),
                Traceparent = offset == 0 ? "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" : "",
            };
        }
    }

    [Theory]
    [InlineData(7, 100, 10)]
    [InlineData(3, 1, 1)]
    [InlineData(20, 0, 8)]
    public void Parts_split_anywhere_give_back_the_channel_and_payload(int channelLength, int payloadLength, int partBytes)
    {
        byte[] channel = [.. Enumerable.Range(0, channelLength).Select(i => (byte)('a' + (i % 26)))];
        byte[] payload = [.. Enumerable.Range(0, payloadLength).Select(i => (byte)i)];
        var assembly = new PartAssembly(maxBulkLength: 1 << 20);
        Message? whole = null;
        List<MessagePart> parts = [.. Parts(9, channel, payload, partBytes)];
        for (int i = 0; i < parts.Count; i++)
        {
            whole = assembly.Add(parts[i]);
            Assert.Equal(i == parts.Count - 1, whole is not null);
        }
        Assert.Equal((ulong)9, whole!.Sequence);
        Assert.Equal(channel, whole.Channel.ToByteArray());
        Assert.Equal(payload, whole.Payload.ToByteArray());
        Assert.Equal(parts[0].Traceparent, whole.Traceparent);
    }

    [Theory]
    [InlineData(1023, false)] // just under proto-max-bulk-len
    [InlineData(1024, false)] // at it
    [InlineData(1025, true)]  // just over
    [InlineData(100_000, true)] // far over
    public void A_payload_over_this_nodes_bulk_limit_is_read_through_and_reported_not_buffered(int payloadLength, bool refused)
    {
        var assembly = new PartAssembly(maxBulkLength: 1024);
        Message? whole = null;
        foreach (MessagePart part in Parts(5, "ch"u8.ToArray(), new byte[payloadLength], 300))
        {
            whole = assembly.Add(part);
        }
        Assert.Equal(refused, whole is null);
        Assert.Equal(refused ? 5UL : null, assembly.Refused);
    }

    [Fact]
    public void A_part_that_does_not_follow_the_previous_one_breaks_the_stream()
    {
        var assembly = new PartAssembly(maxBulkLength: 1 << 20);
        List<MessagePart> parts = [.. Parts(1, "ch"u8.ToArray(), new byte[100], 10)];
        assembly.Add(parts[0]);
        Assert.Throws<PeerProtocolException>(() => assembly.Add(parts[2]));
    }

    [Fact]
    public void A_part_longer_than_what_is_left_or_empty_breaks_the_stream()
    {
        var assembly = new PartAssembly(maxBulkLength: 1 << 20);
        Assert.Throws<PeerProtocolException>(() => assembly.Add(new MessagePart { Sequence = 1, TotalLength = 4, Offset = 0, Chunk = ByteString.CopyFrom(new byte[5]) }));
        Assert.Throws<PeerProtocolException>(() => assembly.Add(new MessagePart { Sequence = 2, TotalLength = 4, Offset = 0, Chunk = ByteString.Empty }));
        Assert.Throws<PeerProtocolException>(() => assembly.Add(new MessagePart { Sequence = 3, ChannelLength = 9, TotalLength = 4, Offset = 0, Chunk = ByteString.CopyFrom(new byte[4]) }));
    }
}
