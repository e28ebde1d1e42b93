using System.Buffers;
using RedisClone.Node.Util;

namespace RedisClone.Node.Connections;

/// <summary>
/// A bulk argument of 256 KB or more, received straight into an array of its own that a command can keep as the value
/// (Redis reads a big argument into its own buffer the same way). Instead of passing through the transport's pipe,
/// a large-command buffer and a final copy, a 100 MB value is copied about once and its memory touched about once:
/// fresh pages are what a big value costs most here (page faults dominated a 100 MB SET).
/// The array grows with the bytes received (to at most 8x them) and ends at exactly the declared length, so a client
/// that declares a huge length and sends little holds little.
/// </summary>
internal sealed class BigArgument
{
    public const long Threshold = 256 * 1024;
    private const int GrowthFactor = 8;

    private readonly int _length;
    private byte[] _bytes;
    private int _received;
    private int _trailer;

    public BigArgument(long length)
    {
        _length = (int)length;
        _bytes = GC.AllocateUninitializedArray<byte>((int)Math.Min(length, Threshold));
    }

    /// <summary>Whether a declared length can be received this way (it must fit one array).</summary>
    public static bool Fits(long length) => length is >= Threshold and <= 2_000_000_000;

    /// <summary>Payload bytes received so far (the client's query buffer, for CLIENT LIST and the limit).</summary>
    public long Received => _received;

    /// <summary>The payload and the two bytes after it have arrived.</summary>
    public bool Complete => _received == _length && _trailer == 2;

    /// <summary>Takes payload bytes, then the two after it (taken as CRLF unchecked, as Redis does), from the front of <paramref name="data"/>; returns how many it took.</summary>
    public long Append(ReadOnlySequence<byte> data)
    {
        int payload = (int)Math.Min(data.Length, _length - _received);
        if (payload > 0)
        {
            EnsureCapacity(_received + payload);
            data.Slice(0, payload).CopyTo(_bytes.AsSpan(_received));
            _received += payload;
        }
        int trailer = (int)Math.Min(data.Length - payload, 2 - _trailer);
        _trailer += trailer;
        return payload + trailer;
    }

    /// <summary>The payload, exactly the declared length; only once <see cref="Complete"/>.</summary>
    public byte[] TakePayload() => Complete ? _bytes : throw new InvalidOperationException("the argument has not all arrived");

    private void EnsureCapacity(int needed)
    {
        if (needed <= _bytes.Length)
        {
            return;
        }
        int capacity = (int)Math.Min(_length, (long)needed * GrowthFactor);
        byte[] larger = GC.AllocateUninitializedArray<byte>(capacity);
        HugePages.Advise(larger);
        _bytes.AsSpan(0, _received).CopyTo(larger);
        _bytes = larger;
    }
}
