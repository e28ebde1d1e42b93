using System.Runtime.CompilerServices;

namespace RedisClone.Node.Storage;

/// <summary>
/// The elements of a hash (field, value) or of a large set (member), packed into one byte array as length-prefixed
/// records, so an element costs its bytes and a few more rather than one or two objects. Two layouts:
/// <list type="bullet">
/// <item>compact (Redis's listpack): records back to back in insertion order, found by a linear scan, a removal closes
/// the gap. Meant for a few hundred elements at most, as Redis uses its listpack.</item>
/// <item>indexed (Redis's hashtable): the same array plus a chained hash index of record offsets; a removed or
/// replaced record leaves a hole that is reclaimed when holes outweigh live bytes. Power-of-two bucket counts give
/// SCAN the reverse-binary cursor guarantee, as in <see cref="KeyTable"/>.</item>
/// </list>
/// An element is addressed by a handle: its record offset in the compact layout, its index slot in the indexed one.
/// Handles are valid until the next change.
/// </summary>
internal sealed class PackedStore
{
    private const int MinBuckets = 8;

    private struct Slot
    {
        public int Offset; // of the element's first record; -1 for a free slot
        public int Hash;
        public int Next; // index + 1 of the next slot in the chain; 0 ends it. For free slots: the next free slot.
    }

    /// <summary>1 for a set (member), 2 for a hash (field, value).</summary>
    private readonly int _recordsPerElement;
    private byte[] _arena;
    private int _arenaUsed;
    private int _wasted; // bytes of holes (indexed layout only)
    private int _count;

    private int[]? _buckets;
    private Slot[]? _slots;
    private int _slotsUsed;
    private int _freeList;

    public PackedStore(int recordsPerElement, int capacity = 0)
    {
        _recordsPerElement = recordsPerElement;
        _arena = capacity == 0 ? [] : new byte[capacity];
    }

    public int Count => _count;

    public bool IsIndexed => _buckets is not null;

    // ---- records -------------------------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReadLength(byte[] arena, ref int offset)
    {
        int b = arena[offset++];
        if (b < 0x80)
        {
            return b;
        }
        int length = b & 0x7f;
        int shift = 7;
        do
        {
            b = arena[offset++];
            length |= (b & 0x7f) << shift;
            shift += 7;
        }
        while (b >= 0x80);
        return length;
    }

    private static int LengthSize(int length) => length < 0x80 ? 1 : length < 0x4000 ? 2 : length < 0x200000 ? 3 : length < 0x10000000 ? 4 : 5;

    private static int RecordSize(int length) => LengthSize(length) + length;

    private static int WriteRecord(byte[] arena, int offset, ReadOnlySpan<byte> bytes)
    {
        uint length = (uint)bytes.Length;
        while (length >= 0x80)
        {
            arena[offset++] = (byte)(length | 0x80);
            length >>= 7;
        }
        arena[offset++] = (byte)length;
        bytes.CopyTo(arena.AsSpan(offset));
        return offset + bytes.Length;
    }

    private ReadOnlySpan<byte> RecordAt(int offset, out int end)
    {
        int length = ReadLength(_arena, ref offset);
        end = offset + length;
        return new ReadOnlySpan<byte>(_arena, offset, length);
    }

    /// <summary>Bytes taken by the element whose first record is at <paramref name="offset"/>.</summary>
    private int ElementSize(int offset)
    {
        int end = offset;
        for (int i = 0; i < _recordsPerElement; i++)
        {
            RecordAt(end, out end);
        }
        return end - offset;
    }

    private int OffsetOf(int handle) => _slots is null ? handle : _slots[handle].Offset;

    public ReadOnlySpan<byte> Key(int handle) => RecordAt(OffsetOf(handle), out _);

    /// <summary>A hash field's value.</summary>
    public ReadOnlySpan<byte> Value(int handle)
    {
        RecordAt(OffsetOf(handle), out int end);
        return RecordAt(end, out _);
    }

    private static int Hash(ReadOnlySpan<byte> key)
    {
        var hash = default(HashCode);
        hash.AddBytes(key);
        return hash.ToHashCode();
    }

    // ---- lookup and change ---------------------------------------------------------------------------------------

    /// <summary>The handle of the element whose key (member or field) is <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key)
    {
        if (_buckets is null)
        {
            for (int offset = 0; offset < _arenaUsed;)
            {
                int start = offset;
                if (RecordAt(offset, out offset).SequenceEqual(key))
                {
                    return start;
                }
                for (int i = 1; i < _recordsPerElement; i++)
                {
                    RecordAt(offset, out offset);
                }
            }
            return -1;
        }
        int hash = Hash(key);
        Slot[] slots = _slots!;
        for (int i = _buckets[hash & (_buckets.Length - 1)] - 1; i >= 0; i = slots[i].Next - 1)
        {
            if (slots[i].Hash == hash && RecordAt(slots[i].Offset, out _).SequenceEqual(key))
            {
                return i;
            }
        }
        return -1;
    }

    private int Append(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        int size = RecordSize(key.Length) + (_recordsPerElement == 2 ? RecordSize(value.Length) : 0);
        EnsureRoom(size);
        int offset = _arenaUsed;
        int end = WriteRecord(_arena, offset, key);
        if (_recordsPerElement == 2)
        {
            end = WriteRecord(_arena, end, value);
        }
        _arenaUsed = end;
        return offset;
    }

    private void EnsureRoom(int size)
    {
        if (_arenaUsed + size <= _arena.Length)
        {
            return;
        }
        if (_buckets is not null && _wasted > _arenaUsed / 2)
        {
            Compact();
            if (_arenaUsed + size <= _arena.Length)
            {
                return;
            }
        }
        // The compact layout holds at most a few hundred elements, so it grows by a quarter (little slack in the many
        // small hashes that are the common case, the copying bounded); the indexed one by half, for amortized O(1) adds.
        long grown = _buckets is null ? _arena.Length + _arena.Length / 4 : _arena.Length + _arena.Length / 2;
        long wanted = Math.Max((long)_arenaUsed + size, Math.Max(32, grown));
        if ((long)_arenaUsed + size > Array.MaxLength)
        {
            throw new InsufficientMemoryException("a collection's elements exceed 2 GB");
        }
        Array.Resize(ref _arena, (int)Math.Min(wanted, Array.MaxLength));
    }

    /// <summary>Adds an element whose key the caller knows is absent (value ignored for a set).</summary>
    public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        int offset = Append(key, value);
        _count++;
        if (_buckets is not null)
        {
            Index(offset, Hash(key));
        }
    }

    /// <summary>Replaces a hash field's value.</summary>
    public void ReplaceValue(int handle, ReadOnlySpan<byte> value)
    {
        int offset = OffsetOf(handle);
        RecordAt(offset, out int valueAt);
        int oldValueSize = ElementSize(offset) - (valueAt - offset);
        int newValueSize = RecordSize(value.Length);
        if (newValueSize == oldValueSize)
        {
            WriteRecord(_arena, valueAt, value);
            return;
        }
        if (_buckets is null)
        {
            // Compact layout: move the tail so the element keeps its place (listpack order is insertion order).
            int tail = _arenaUsed - (valueAt + oldValueSize);
            if (newValueSize > oldValueSize)
            {
                EnsureRoom(newValueSize - oldValueSize);
            }
            Buffer.BlockCopy(_arena, valueAt + oldValueSize, _arena, valueAt + newValueSize, tail);
            WriteRecord(_arena, valueAt, value);
            _arenaUsed += newValueSize - oldValueSize;
            return;
        }
        // Indexed: write the element anew at the end and leave a hole. The key is copied out first: the arena may move.
        ReadOnlySpan<byte> key = RecordAt(offset, out _);
        byte[] keyCopy = key.ToArray();
        int size = ElementSize(offset);
        int newOffset = Append(keyCopy, value);
        _slots![handle].Offset = newOffset;
        _wasted += size;
    }

    /// <summary>Removes the element at <paramref name="handle"/>.</summary>
    public void Remove(int handle)
    {
        _count--;
        if (_buckets is null)
        {
            int size = ElementSize(handle);
            Buffer.BlockCopy(_arena, handle + size, _arena, handle, _arenaUsed - handle - size);
            _arenaUsed -= size;
            return;
        }
        ref Slot target = ref _slots![handle];
        ref int link = ref _buckets[target.Hash & (_buckets.Length - 1)];
        while (link - 1 != handle)
        {
            link = ref _slots[link - 1].Next;
        }
        link = target.Next;
        _wasted += ElementSize(target.Offset);
        target = new Slot { Offset = -1, Next = _freeList };
        _freeList = handle + 1;
        if (_count == 0)
        {
            _arenaUsed = 0;
            _wasted = 0;
        }
        else if (_buckets.Length > MinBuckets && _count < _buckets.Length / 8)
        {
            Rehash(_buckets.Length / 2);
        }
        if (_wasted > 4096 && _wasted > _arenaUsed / 2)
        {
            Compact();
        }
    }

    // ---- the index -----------------------------------------------------------------------------------------------

    /// <summary>This store, indexed from the start (a set's hashtable).</summary>
    public PackedStore WithIndex()
    {
        BuildIndex();
        return this;
    }

    /// <summary>Converts the compact layout to the indexed one (Redis's listpack to hashtable conversion).</summary>
    public void BuildIndex()
    {
        if (_buckets is not null)
        {
            return;
        }
        int buckets = MinBuckets;
        while (buckets < _count)
        {
            buckets *= 2;
        }
        _buckets = new int[buckets];
        _slots = new Slot[buckets];
        _slotsUsed = 0;
        _freeList = 0;
        for (int offset = 0; offset < _arenaUsed;)
        {
            int start = offset;
            ReadOnlySpan<byte> key = RecordAt(offset, out offset);
            Index(start, Hash(key));
            for (int i = 1; i < _recordsPerElement; i++)
            {
                RecordAt(offset, out offset);
            }
        }
    }

    private void Index(int offset, int hash)
    {
        if (_freeList == 0 && _slotsUsed == _slots!.Length)
        {
            Rehash(_buckets!.Length * 2);
        }
        int slot;
        if (_freeList != 0)
        {
            slot = _freeList - 1;
            _freeList = _slots![slot].Next;
        }
        else
        {
            slot = _slotsUsed++;
        }
        ref int bucket = ref _buckets![hash & (_buckets.Length - 1)];
        _slots![slot] = new Slot { Offset = offset, Hash = hash, Next = bucket };
        bucket = slot + 1;
    }

    private void Rehash(int bucketCount)
    {
        var slots = new Slot[bucketCount];
        var buckets = new int[bucketCount];
        int used = 0;
        for (int i = 0; i < _slotsUsed; i++)
        {
            if (_slots![i].Offset < 0)
            {
                continue;
            }
            ref Slot s = ref slots[used];
            s = _slots[i];
            ref int bucket = ref buckets[s.Hash & (bucketCount - 1)];
            s.Next = bucket;
            bucket = used + 1;
            used++;
        }
        _slots = slots;
        _buckets = buckets;
        _slotsUsed = used;
        _freeList = 0;
    }

    /// <summary>Rewrites the live elements back to back, dropping the holes, and gives back spare room.</summary>
    private void Compact()
    {
        var arena = new byte[Math.Max(64, (_arenaUsed - _wasted) * 5 / 4)];
        int used = 0;
        for (int i = 0; i < _slotsUsed; i++)
        {
            ref Slot s = ref _slots![i];
            if (s.Offset < 0)
            {
                continue;
            }
            int size = ElementSize(s.Offset);
            Buffer.BlockCopy(_arena, s.Offset, arena, used, size);
            s.Offset = used;
            used += size;
        }
        _arena = arena;
        _arenaUsed = used;
        _wasted = 0;
    }

    // ---- iteration -----------------------------------------------------------------------------------------------

    /// <summary>The first handle, or -1 when empty. Iterate with <see cref="Next"/>.</summary>
    public int First() => _count == 0 ? -1 : _slots is null ? 0 : Next(-1);

    public int Next(int handle)
    {
        if (_slots is null)
        {
            int end = handle + ElementSize(handle);
            return end < _arenaUsed ? end : -1;
        }
        for (int i = handle + 1; i < _slotsUsed; i++)
        {
            if (_slots[i].Offset >= 0)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The handle of the element at position <paramref name="index"/> of the compact layout (a linear walk).</summary>
    private int NthCompact(int index)
    {
        int offset = 0;
        while (index-- > 0)
        {
            offset += ElementSize(offset);
        }
        return offset;
    }

    /// <summary>An element chosen at random (the store is not empty).</summary>
    public int Random(Random random)
    {
        if (_buckets is null)
        {
            return NthCompact(random.Next(_count));
        }
        int mask = _buckets.Length - 1;
        while (true)
        {
            int chain = _buckets[random.Next() & mask];
            if (chain == 0)
            {
                continue;
            }
            int length = 0;
            for (int i = chain - 1; i >= 0; i = _slots![i].Next - 1)
            {
                length++;
            }
            int slot = chain - 1;
            for (int pick = random.Next(length); pick > 0; pick--)
            {
                slot = _slots![slot].Next - 1;
            }
            return slot;
        }
    }

    /// <summary>
    /// The indexed layout's SCAN step (Redis's dictScan): visits buckets from <paramref name="cursor"/> until at least
    /// <paramref name="count"/> elements were found (or ten times as many empty buckets were passed); 0 ends the scan.
    /// </summary>
    public ulong Scan(ulong cursor, int count, List<int> handles)
    {
        ulong mask = (ulong)_buckets!.Length - 1;
        int maxEmptyVisits = Math.Max(count, 1) * 10;
        int found = 0;
        do
        {
            int chain = _buckets[(int)(cursor & mask)];
            if (chain == 0)
            {
                maxEmptyVisits--;
            }
            for (int i = chain - 1; i >= 0; i = _slots![i].Next - 1)
            {
                handles.Add(i);
                found++;
            }
            cursor = ScanCursor.Next(cursor, mask);
        }
        while (cursor != 0 && found < count && maxEmptyVisits > 0);
        return cursor;
    }

    // ---- whole-store -------------------------------------------------------------------------------------------

    public PackedStore Clone()
    {
        var copy = new PackedStore(_recordsPerElement)
        {
            _arena = _arena.AsSpan(0, _arenaUsed).ToArray(),
            _arenaUsed = _arenaUsed,
            _wasted = _wasted,
            _count = _count,
            _buckets = (int[]?)_buckets?.Clone(),
            _slots = (Slot[]?)_slots?.Clone(),
            _slotsUsed = _slotsUsed,
            _freeList = _freeList,
        };
        return copy;
    }

    public long EstimateBytes() => 64 + _arena.Length + (_buckets is null ? 0 : _buckets.Length * 4L + _slots!.Length * 12L);
}
