using System.Buffers;

namespace RedisClone.Node.Connections;

/// <summary>
/// Holds a command too large for the transport's bounded receive buffer, outside it, so the transport keeps applying
/// backpressure while the command's bytes arrive. It grows with the bytes received, never by a declared length.
/// </summary>
internal sealed class LargeCommandBuffer
{
    private byte[] _bytes = new byte[256 * 1024];

    public int Length { get; private set; }

    public ReadOnlySequence<byte> Sequence => new(_bytes, 0, Length);

    public void Append(ReadOnlySequence<byte> data)
    {
        long needed = Length + data.Length;
        if (needed > Array.MaxLength)
        {
            throw new InvalidOperationException("a command cannot exceed the largest array"); // the query buffer limit stops it first
        }
        if (needed > _bytes.Length)
        {
            Array.Resize(ref _bytes, (int)Math.Min(Array.MaxLength, Math.Max(needed, _bytes.Length * 2L)));
        }
        data.CopyTo(_bytes.AsSpan(Length));
        Length = (int)needed;
    }

    /// <summary>Drops the first <paramref name="count"/> bytes (commands that ran); what is left moves to the front.</summary>
    public void Consume(long count)
    {
        if (count == 0)
        {
            return;
        }
        _bytes.AsSpan((int)count, Length - (int)count).CopyTo(_bytes);
        Length -= (int)count;
    }
}
