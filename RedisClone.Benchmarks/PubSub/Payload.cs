using System.Buffers.Binary;

namespace RedisClone.Benchmarks.PubSub;

/// <summary>
/// A message's payload: send time (Stopwatch ticks), publisher id and that publisher's sequence number, little-endian,
/// then padding up to the requested size. Publishers and subscribers live in one process, so the ticks compare.
/// </summary>
public static class Payload
{
    public const int HeaderSize = 20;
    public const byte Padding = (byte)'x';

    private const int TimestampOffset = 0;
    private const int PublisherOffset = 8;
    private const int SequenceOffset = 12;

    public static void WriteHeader(Span<byte> payload, long timestamp, int publisher, long sequence)
    {
        BinaryPrimitives.WriteInt64LittleEndian(payload[TimestampOffset..], timestamp);
        BinaryPrimitives.WriteInt32LittleEndian(payload[PublisherOffset..], publisher);
        BinaryPrimitives.WriteInt64LittleEndian(payload[SequenceOffset..], sequence);
    }

    /// <summary>Writes a whole payload of <paramref name="payload"/>'s length: header, then padding.</summary>
    public static void Write(Span<byte> payload, long timestamp, int publisher, long sequence)
    {
        WriteHeader(payload, timestamp, publisher, sequence);
        payload[HeaderSize..].Fill(Padding);
    }

    /// <summary>False for a payload too short to be one of ours.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out long timestamp, out int publisher, out long sequence)
    {
        if (payload.Length < HeaderSize)
        {
            timestamp = 0;
            publisher = 0;
            sequence = 0;
            return false;
        }
        timestamp = BinaryPrimitives.ReadInt64LittleEndian(payload[TimestampOffset..]);
        publisher = BinaryPrimitives.ReadInt32LittleEndian(payload[PublisherOffset..]);
        sequence = BinaryPrimitives.ReadInt64LittleEndian(payload[SequenceOffset..]);
        return true;
    }
}
