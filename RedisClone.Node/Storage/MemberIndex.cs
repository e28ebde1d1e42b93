namespace RedisClone.Node.Storage;

/// <summary>
/// A sorted set's member -> score map (Redis's dict half of the skiplist encoding). Written by hand instead of a
/// Dictionary so that an entry's slot number is stable for its whole life: <see cref="ScoreTree"/> leaves hold slot
/// numbers (4 bytes an element instead of a score and a reference), and ZSCAN's cursor is a slot number.
/// </summary>
internal sealed class MemberIndex
{
    internal struct Entry
    {
        public byte[]? Member;
        public double Score;
        public int Hash;
        /// <summary>The next slot in the bucket's chain (-1: none); for a free slot, the next free slot.</summary>
        public int Next;
    }

    private int[] _buckets;
    private Entry[] _entries;
    private int _used;
    private int _freeHead = -1;
    private int _count;

    public MemberIndex(int capacity = 4)
    {
        capacity = Math.Max(4, capacity);
        _buckets = new int[capacity];
        _entries = new Entry[capacity];
    }

    public int Count => _count;

    /// <summary>Slots ever used: the bound of a scan over slot numbers.</summary>
    public int SlotLimit => _used;

    public ref Entry this[int slot] => ref _entries[slot];

    public byte[] MemberAt(int slot) => _entries[slot].Member!;

    public double ScoreAt(int slot) => _entries[slot].Score;

    public bool IsLive(int slot) => (uint)slot < (uint)_used && _entries[slot].Member is not null;

    private static int HashOf(ReadOnlySpan<byte> member)
    {
        var hash = default(HashCode);
        hash.AddBytes(member);
        return hash.ToHashCode() & int.MaxValue;
    }

    /// <summary>The member's slot, or -1.</summary>
    public int Find(ReadOnlySpan<byte> member)
    {
        int hash = HashOf(member);
        Entry[] entries = _entries;
        for (int slot = _buckets[hash % _buckets.Length] - 1; slot >= 0; slot = entries[slot].Next)
        {
            ref Entry e = ref entries[slot];
            if (e.Hash == hash && member.SequenceEqual(e.Member))
            {
                return slot;
            }
        }
        return -1;
    }

    /// <summary>Adds a member known to be absent; returns its slot.</summary>
    public int Add(byte[] member, double score)
    {
        int hash = HashOf(member);
        int slot;
        if (_freeHead >= 0)
        {
            slot = _freeHead;
            _freeHead = _entries[slot].Next;
        }
        else
        {
            if (_used == _entries.Length)
            {
                Grow();
            }
            slot = _used++;
        }
        int bucket = hash % _buckets.Length;
        _entries[slot] = new Entry { Member = member, Score = score, Hash = hash, Next = _buckets[bucket] - 1 };
        _buckets[bucket] = slot + 1;
        _count++;
        return slot;
    }

    public void Remove(int slot)
    {
        ref Entry target = ref _entries[slot];
        int bucket = target.Hash % _buckets.Length;
        int previous = -1;
        for (int s = _buckets[bucket] - 1; s >= 0; previous = s, s = _entries[s].Next)
        {
            if (s != slot)
            {
                continue;
            }
            if (previous < 0)
            {
                _buckets[bucket] = target.Next + 1;
            }
            else
            {
                _entries[previous].Next = target.Next;
            }
            break;
        }
        target = new Entry { Next = _freeHead };
        _freeHead = slot;
        _count--;
    }

    /// <summary>Doubles the table; slots keep their numbers (the tree and scan cursors rely on it).</summary>
    private void Grow()
    {
        int size = _entries.Length * 2;
        Array.Resize(ref _entries, size);
        _buckets = new int[size];
        for (int slot = 0; slot < _used; slot++)
        {
            ref Entry e = ref _entries[slot];
            if (e.Member is null)
            {
                continue;
            }
            int bucket = e.Hash % size;
            e.Next = _buckets[bucket] - 1;
            _buckets[bucket] = slot + 1;
        }
    }

    public long EstimateBytes()
    {
        long bytes = 48 + (_buckets.Length * 4L) + (_entries.Length * 24L);
        for (int slot = 0; slot < _used; slot++)
        {
            if (_entries[slot].Member is { } m)
            {
                bytes += 24 + ((m.Length + 7) & ~7);
            }
        }
        return bytes;
    }
}
