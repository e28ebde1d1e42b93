using System.Buffers.Binary;

namespace RedisClone.Node.Storage;

/// <summary>
/// The listpack encoding of a small sorted set: every element in one byte array, in order, as
/// [member length (7-bit varint)][member][score]. Operations are linear, as in Redis's listpack, which is fine under
/// zset-max-listpack-entries (128), and a set of 100 short members costs about 1.5 KB instead of an object per member.
/// Like a listpack, an integral score is kept as an integer: a varint of (zigzag(score) &lt;&lt; 1), so the low bit
/// is 0; any other score is the byte 0x01 and its 8 bytes.
/// </summary>
internal sealed class PackedSortedSet
{
    private byte[] _buffer;
    private int _length;
    private int _count;

    public PackedSortedSet(int capacity = 32) => _buffer = new byte[capacity];

    private PackedSortedSet(byte[] buffer, int length, int count)
    {
        _buffer = buffer;
        _length = length;
        _count = count;
    }

    public int Count => _count;

    public int ByteLength => _buffer.Length;

    /// <summary>Offset past the last element: the end for <see cref="Read"/> walks.</summary>
    public int End => _length;

    public PackedSortedSet Clone() => new(_buffer.AsSpan(0, Math.Max(_length, 1)).ToArray(), _length, _count);

    /// <summary>Reads the element at <paramref name="offset"/>; returns the offset of the next one.</summary>
    public int Read(int offset, out ReadOnlySpan<byte> member, out double score)
    {
        int length = 0;
        int shift = 0;
        byte b;
        do
        {
            b = _buffer[offset++];
            length |= (b & 0x7f) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);
        member = _buffer.AsSpan(offset, length);
        offset += length;
        if (_buffer[offset] == DoubleMarker)
        {
            score = BinaryPrimitives.ReadDoubleLittleEndian(_buffer.AsSpan(offset + 1, 8));
            return offset + 9;
        }
        ulong encoded = 0;
        shift = 0;
        do
        {
            b = _buffer[offset++];
            encoded |= (ulong)(b & 0x7f) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);
        ulong zigzag = encoded >> 1;
        score = (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
        return offset;
    }

    private const byte DoubleMarker = 0x01;

    /// <summary>Integral scores up to 2^53 in magnitude are exact as integers and fit the varint with room to spare.</summary>
    private static bool IsCompactInteger(double score) => score == Math.Floor(score) && Math.Abs(score) <= 9007199254740992.0;

    private static ulong EncodeInteger(double score)
    {
        long value = (long)score;
        return (ulong)((value << 1) ^ (value >> 63)) << 1;
    }

    private static int ScoreSize(double score) => IsCompactInteger(score) ? VarintSize(EncodeInteger(score)) : 9;

    /// <summary>The offset of the member's element, or -1.</summary>
    public int Find(ReadOnlySpan<byte> member, out double score, out int rank)
    {
        int offset = 0;
        rank = 0;
        while (offset < _length)
        {
            int next = Read(offset, out ReadOnlySpan<byte> m, out score);
            if (m.SequenceEqual(member))
            {
                return offset;
            }
            offset = next;
            rank++;
        }
        score = 0;
        rank = -1;
        return -1;
    }

    /// <summary>The offset of the element at <paramref name="rank"/> (or <see cref="End"/> for rank == Count).</summary>
    public int OffsetOf(int rank)
    {
        int offset = 0;
        for (int i = 0; i < rank; i++)
        {
            offset = Read(offset, out _, out _);
        }
        return offset;
    }

    public int CountBefore<TBound>(in TBound bound)
        where TBound : struct, IElementBound
    {
        int offset = 0;
        int rank = 0;
        while (offset < _length)
        {
            offset = Read(offset, out ReadOnlySpan<byte> m, out double s);
            if (!bound.IsBefore(s, m))
            {
                break;
            }
            rank++;
        }
        return rank;
    }

    /// <summary>Inserts a member known to be absent at its place in the order.</summary>
    public void Insert(ReadOnlySpan<byte> member, double score)
    {
        // A listpack keeps an integral score as an integer, so -0 comes back as 0.
        if (score == 0)
        {
            score = 0;
        }
        int offset = 0;
        while (offset < _length)
        {
            int next = Read(offset, out ReadOnlySpan<byte> m, out double s);
            if (s > score || (s == score && m.SequenceCompareTo(member) > 0))
            {
                break;
            }
            offset = next;
        }
        int header = VarintSize((ulong)member.Length);
        int size = header + member.Length + ScoreSize(score);
        if (_length + size > _buffer.Length)
        {
            // A quarter of headroom: small sets grow one member at a time, and the copy is the cost of every add.
            int capacity = Math.Max(_length + size, _buffer.Length + (_buffer.Length >> 2));
            Array.Resize(ref _buffer, capacity);
        }
        Buffer.BlockCopy(_buffer, offset, _buffer, offset + size, _length - offset);
        int p = offset;
        uint length = (uint)member.Length;
        while (length >= 0x80)
        {
            _buffer[p++] = (byte)(length | 0x80);
            length >>= 7;
        }
        _buffer[p++] = (byte)length;
        member.CopyTo(_buffer.AsSpan(p));
        p += member.Length;
        if (IsCompactInteger(score))
        {
            ulong encoded = EncodeInteger(score);
            while (encoded >= 0x80)
            {
                _buffer[p++] = (byte)(encoded | 0x80);
                encoded >>= 7;
            }
            _buffer[p] = (byte)encoded;
        }
        else
        {
            _buffer[p] = DoubleMarker;
            BinaryPrimitives.WriteDoubleLittleEndian(_buffer.AsSpan(p + 1, 8), score);
        }
        _length += size;
        _count++;
    }

    public void RemoveAt(int offset)
    {
        int next = Read(offset, out _, out _);
        Buffer.BlockCopy(_buffer, next, _buffer, offset, _length - next);
        _length -= next - offset;
        _count--;
        ShrinkIfSparse();
    }

    /// <summary>Removes the elements with ranks <paramref name="start"/>..<paramref name="end"/> (inclusive).</summary>
    public void RemoveRange(int start, int end)
    {
        int from = OffsetOf(start);
        int to = from;
        for (int i = start; i <= end; i++)
        {
            to = Read(to, out _, out _);
        }
        Buffer.BlockCopy(_buffer, to, _buffer, from, _length - to);
        _length -= to - from;
        _count -= end - start + 1;
        ShrinkIfSparse();
    }

    private void ShrinkIfSparse()
    {
        if (_buffer.Length > 64 && _length < _buffer.Length / 2)
        {
            Array.Resize(ref _buffer, Math.Max(_length + (_length >> 2), 32));
        }
    }

    private static int VarintSize(ulong value)
    {
        int size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }
        return size;
    }
}
