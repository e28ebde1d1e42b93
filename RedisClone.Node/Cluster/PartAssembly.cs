using Google.Protobuf;
using RedisClone.Node.Cluster.Protocol;

namespace RedisClone.Node.Cluster;

/// <summary>
/// Puts a message sent in parts back together, for one inbound link. Parts of a message arrive consecutively, from
/// offset 0 to the end; anything else is a broken stream (the link is reopened and the sender replays). A message
/// larger than this node accepts from clients (proto-max-bulk-len for channel and payload each) is not buffered:
/// its parts are read and dropped, and it is reported once in <see cref="Refused"/> to be counted as lost.
/// </summary>
internal sealed class PartAssembly(long maxBulkLength)
{
    private byte[]? _buffer;
    private ulong _sequence;
    private ulong _filled;
    private ulong _total;
    private bool _refusing;
    private MessagePart? _first;

    /// <summary>Set by <see cref="Add"/> when a message was refused (its sequence); cleared by the next call.</summary>
    public ulong? Refused { get; private set; }

    /// <summary>Takes the next part; returns the whole message when this part completed it.</summary>
    public Message? Add(MessagePart part)
    {
        Refused = null;
        if (part.Offset == 0)
        {
            Begin(part);
        }
        else if (part.Sequence != _sequence || part.Offset != _filled || part.TotalLength != _total)
        {
            throw new PeerProtocolException($"part of message {part.Sequence} at offset {part.Offset} does not follow the {_filled} bytes of message {_sequence}");
        }
        ulong length = (ulong)part.Chunk.Length;
        if (length == 0 || length > _total - _filled)
        {
            throw new PeerProtocolException($"part of message {part.Sequence} carries {length} bytes with {_total - _filled} left");
        }
        if (!_refusing)
        {
            part.Chunk.Span.CopyTo(_buffer.AsSpan((int)_filled));
        }
        _filled += length;
        if (_filled < _total)
        {
            return null;
        }
        return Complete();
    }

    private void Begin(MessagePart part)
    {
        if (part.ChannelLength > part.TotalLength)
        {
            throw new PeerProtocolException($"message {part.Sequence} has a channel of {part.ChannelLength} bytes in {part.TotalLength}");
        }
        _sequence = part.Sequence;
        _filled = 0;
        _total = part.TotalLength;
        _first = part;
        ulong payloadLength = part.TotalLength - part.ChannelLength;
        _refusing = part.ChannelLength > (ulong)maxBulkLength || payloadLength > (ulong)maxBulkLength || part.TotalLength > int.MaxValue;
        _buffer = _refusing ? null : GC.AllocateUninitializedArray<byte>((int)part.TotalLength);
    }

    private Message? Complete()
    {
        MessagePart first = _first!;
        byte[]? bytes = _buffer;
        _buffer = null;
        _first = null;
        if (_refusing)
        {
            Refused = first.Sequence;
            return null;
        }
        var whole = new ReadOnlyMemory<byte>(bytes);
        int channelLength = (int)first.ChannelLength;
        return new Message
        {
            Sequence = first.Sequence,
            Kind = first.Kind,
            Channel = UnsafeByteOperations.UnsafeWrap(whole[..channelLength]),
            Payload = UnsafeByteOperations.UnsafeWrap(whole[channelLength..]),
            Traceparent = first.Traceparent,
            Tracestate = first.Tracestate,
        };
    }
}
