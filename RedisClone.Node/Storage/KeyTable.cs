using System.Runtime.CompilerServices;

namespace RedisClone.Node.Storage;

/// <summary>
/// The hash table behind one database: binary keys looked up by span (no allocation on reads), power-of-two
/// bucket counts so that SCAN's reverse-binary cursor returns every key present for the whole scan even when the
/// table grows or shrinks in between, and random sampling for RANDOMKEY.
/// Entries live in one struct array chained by index, so a key costs one slot rather than an object.
/// </summary>
internal sealed class KeyTable
{
    /// <summary>
    /// "No TTL". Not long.MaxValue: PXAT 9223372036854775807 is a real due time. A stored due time is always positive
    /// (a zero or negative one deletes the key at once), so -1 cannot be mistaken for one, as in Redis's getExpire.
    /// </summary>
    public const long NoExpiry = -1;
    private const int MinBuckets = 16;

    private struct Entry
    {
        public byte[]? Key;
        public object? Value;
        public long ExpireAt;
        public int HashCode;
        public int Next; // index + 1 of the next entry in the chain; 0 ends it. For free slots: the next free slot.
        public uint LastAccess; // seconds of the node clock, for OBJECT IDLETIME
        public StringEncoding Encoding; // for OBJECT ENCODING; fits in the entry's padding
    }

    private int[] _buckets = new int[MinBuckets]; // index + 1 of the chain's first entry; 0 = empty
    private Entry[] _entries = new Entry[MinBuckets];
    private int _used; // slots ever handed out in _entries
    private int _freeList; // index + 1 of the first free slot
    private int _freeCount;

    public int Count => _used - _freeCount;

    /// <summary>Bytes of the table's own arrays (entries and buckets), not of the keys and values they point to: MEMORY STATS.</summary>
    public long TableBytes => (long)_entries.Length * Unsafe.SizeOf<Entry>() + (long)_buckets.Length * sizeof(int);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ReadOnlySpan<byte> key)
    {
        var hash = default(HashCode);
        hash.AddBytes(key);
        return hash.ToHashCode();
    }

    /// <summary>Returns the slot of <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key)
    {
        int hash = Hash(key);
        Entry[] entries = _entries;
        for (int i = _buckets[hash & (_buckets.Length - 1)] - 1; i >= 0; i = entries[i].Next - 1)
        {
            ref Entry e = ref entries[i];
            if (e.HashCode == hash && key.SequenceEqual(e.Key))
            {
                return i;
            }
        }
        return -1;
    }

    public byte[] KeyAt(int slot) => _entries[slot].Key!;

    public ref object? ValueAt(int slot) => ref _entries[slot].Value;

    public ref long ExpireAtSlot(int slot) => ref _entries[slot].ExpireAt;

    public ref uint LastAccessAt(int slot) => ref _entries[slot].LastAccess;

    public ref StringEncoding EncodingAt(int slot) => ref _entries[slot].Encoding;

    /// <summary>Adds a key known to be absent and returns its slot.</summary>
    public int Add(byte[] key, object value, long expireAt)
    {
        if (_freeCount == 0 && _used == _entries.Length)
        {
            Resize(_buckets.Length * 2);
        }
        int slot;
        if (_freeCount > 0)
        {
            slot = _freeList - 1;
            _freeList = _entries[slot].Next;
            _freeCount--;
        }
        else
        {
            slot = _used++;
        }
        int hash = Hash(key);
        ref int bucket = ref _buckets[hash & (_buckets.Length - 1)];
        _entries[slot] = new Entry { Key = key, Value = value, ExpireAt = expireAt, HashCode = hash, Next = bucket };
        bucket = slot + 1;
        return slot;
    }

    /// <summary>Removes the key at <paramref name="slot"/>.</summary>
    public void RemoveAt(int slot)
    {
        ref Entry target = ref _entries[slot];
        ref int link = ref _buckets[target.HashCode & (_buckets.Length - 1)];
        while (link - 1 != slot)
        {
            link = ref _entries[link - 1].Next;
        }
        link = target.Next;
        target = new Entry { Next = _freeList, HashCode = -1 };
        _freeList = slot + 1;
        _freeCount++;
        if (Count == 0)
        {
            Clear();
        }
        else if (_buckets.Length > MinBuckets && Count < _buckets.Length / 8)
        {
            Resize(_buckets.Length / 2);
        }
    }

    public void Clear()
    {
        _buckets = new int[MinBuckets];
        _entries = new Entry[MinBuckets];
        _used = 0;
        _freeList = 0;
        _freeCount = 0;
    }

    private void Resize(int bucketCount)
    {
        var entries = new Entry[bucketCount];
        var buckets = new int[bucketCount];
        int count = 0;
        for (int i = 0; i < _used; i++)
        {
            if (_entries[i].Key is null)
            {
                continue;
            }
            ref Entry e = ref entries[count];
            e = _entries[i];
            ref int bucket = ref buckets[e.HashCode & (bucketCount - 1)];
            e.Next = bucket;
            bucket = count + 1;
            count++;
        }
        _entries = entries;
        _buckets = buckets;
        _used = count;
        _freeList = 0;
        _freeCount = 0;
    }

    /// <summary>
    /// Visits the buckets from <paramref name="cursor"/> on until at least <paramref name="count"/> slots were
    /// visited (or ten times that many empty buckets), and returns the next cursor; 0 when the scan is complete.
    /// </summary>
    public ulong Scan(ulong cursor, int count, List<int> slots)
    {
        ulong mask = (ulong)_buckets.Length - 1;
        int maxEmptyVisits = Math.Max(count, 1) * 10;
        int found = 0;
        do
        {
            int chain = _buckets[(int)(cursor & mask)];
            if (chain == 0)
            {
                maxEmptyVisits--;
            }
            for (int i = chain - 1; i >= 0; i = _entries[i].Next - 1)
            {
                slots.Add(i);
                found++;
            }
            cursor = ScanCursor.Next(cursor, mask);
        }
        while (cursor != 0 && found < count && maxEmptyVisits > 0);
        return cursor;
    }

    /// <summary>A slot chosen at random, or -1 when the table is empty.</summary>
    public int RandomSlot(Random random)
    {
        if (Count == 0)
        {
            return -1;
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
            for (int i = chain - 1; i >= 0; i = _entries[i].Next - 1)
            {
                length++;
            }
            int pick = random.Next(length);
            int slot = chain - 1;
            while (pick-- > 0)
            {
                slot = _entries[slot].Next - 1;
            }
            return slot;
        }
    }

    /// <summary>Every occupied slot, for whole-table operations (KEYS, FLUSH, heap rebuilds).</summary>
    public IEnumerable<int> Slots()
    {
        for (int i = 0; i < _used; i++)
        {
            if (_entries[i].Key is not null)
            {
                yield return i;
            }
        }
    }
}
