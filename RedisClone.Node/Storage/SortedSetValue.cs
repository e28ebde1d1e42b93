namespace RedisClone.Node.Storage;

/// <summary>Receives the elements of a range walk, in the walk's order.</summary>
internal interface IElementVisitor
{
    void Visit(ReadOnlySpan<byte> member, double score);
}

/// <summary>
/// A sorted set. Starts packed (Redis's listpack: <see cref="PackedSortedSet"/>) and moves, once and for good as in
/// Redis 7.0, to a member index plus an order-statistics tree (Redis's "skiplist" encoding, by name) when it gets more
/// than zset-max-listpack-entries elements or a member longer than zset-max-listpack-value bytes.
/// </summary>
internal sealed class SortedSetValue : CollectionValue
{
    private PackedSortedSet? _packed;
    private MemberIndex? _index;
    private ScoreTree? _tree;

    /// <summary>An empty, packed set.</summary>
    public SortedSetValue() => _packed = new PackedSortedSet();

    /// <summary>An empty set in the big encoding from the start (Redis does so when the first member is already too long).</summary>
    public static SortedSetValue CreateLarge()
    {
        var set = new SortedSetValue();
        set.ConvertToTree(4);
        return set;
    }

    /// <summary>
    /// Redis's choice of encoding for a new set: packed when <paramref name="sizeHint"/> members of up to
    /// <paramref name="longestMember"/> bytes fit the listpack limits, else the big encoding from the start, which
    /// keeps the -0 scores a listpack would turn into 0.
    /// </summary>
    public static SortedSetValue CreateFor(long sizeHint, long longestMember, CollectionLimits limits) =>
        sizeHint <= limits.ZSetMaxListpackEntries && longestMember <= limits.ZSetMaxListpackValue ? new SortedSetValue() : CreateLarge();

    public override string TypeName => "zset";

    public override string EncodingName => _packed is not null ? "listpack" : "skiplist";

    public bool IsPacked => _packed is not null;

    public override int Count => _packed?.Count ?? _index!.Count;

    public override CollectionValue Clone()
    {
        var copy = new SortedSetValue();
        if (_packed is not null)
        {
            copy._packed = _packed.Clone();
            return copy;
        }
        copy.ConvertToTree(Count);
        var cursor = _tree!.At(0);
        for (int i = 0; i < Count; i++, cursor.MoveNext())
        {
            int slot = cursor.Slot;
            copy.InsertIntoTree(_index!.MemberAt(slot), _index.ScoreAt(slot));
        }
        return copy;
    }

    public override long EstimateBytes() =>
        _packed is not null ? 48 + _packed.ByteLength : 64 + _index!.EstimateBytes() + (Count * 6L) + 200;

    public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        if (_packed is not null)
        {
            return _packed.Find(member, out score, out _) >= 0;
        }
        int slot = _index!.Find(member);
        score = slot >= 0 ? _index.ScoreAt(slot) : 0;
        return slot >= 0;
    }

    /// <summary>Adds a member that is not in the set, converting the encoding first when the limits say so.</summary>
    public void Add(ReadOnlySpan<byte> member, double score, CollectionLimits limits)
    {
        if (_packed is not null)
        {
            if (_packed.Count + 1 > limits.ZSetMaxListpackEntries || member.Length > limits.ZSetMaxListpackValue)
            {
                ConvertToTree(_packed.Count + 1);
            }
            else
            {
                _packed.Insert(member, score);
                return;
            }
        }
        InsertIntoTree(member.ToArray(), score);
    }

    private void InsertIntoTree(byte[] member, double score) => _tree!.Insert(_index!.Add(member, score));

    /// <summary>Moves a present member from <paramref name="oldScore"/> to <paramref name="newScore"/>.</summary>
    public void UpdateScore(ReadOnlySpan<byte> member, double oldScore, double newScore)
    {
        if (_packed is not null)
        {
            int offset = _packed.Find(member, out _, out _);
            _packed.RemoveAt(offset);
            _packed.Insert(member, newScore);
            return;
        }
        int slot = _index!.Find(member);
        _tree!.Remove(oldScore, member);
        _index[slot].Score = newScore;
        _tree.Insert(slot);
    }

    public bool Remove(ReadOnlySpan<byte> member)
    {
        if (_packed is not null)
        {
            int offset = _packed.Find(member, out _, out _);
            if (offset < 0)
            {
                return false;
            }
            _packed.RemoveAt(offset);
            return true;
        }
        int slot = _index!.Find(member);
        if (slot < 0)
        {
            return false;
        }
        _tree!.Remove(_index.ScoreAt(slot), member);
        _index.Remove(slot);
        return true;
    }

    /// <summary>The member's 0-based rank in ascending order, or -1 when it is not in the set.</summary>
    public int Rank(ReadOnlySpan<byte> member, out double score)
    {
        if (_packed is not null)
        {
            _packed.Find(member, out score, out int rank);
            return rank;
        }
        int slot = _index!.Find(member);
        if (slot < 0)
        {
            score = 0;
            return -1;
        }
        score = _index.ScoreAt(slot);
        return _tree!.Rank(score, member);
    }

    /// <summary>How many elements come before the bound (where a range starts, or ends, in ranks).</summary>
    public int CountBefore<TBound>(in TBound bound)
        where TBound : struct, IElementBound =>
        _packed is not null ? _packed.CountBefore(bound) : _tree!.CountBefore(bound);

    /// <summary>Walks ranks <paramref name="start"/>..<paramref name="end"/> (inclusive, valid), ascending or, when <paramref name="reverse"/>, from end down to start.</summary>
    public void Visit<TVisitor>(int start, int end, bool reverse, ref TVisitor visitor)
        where TVisitor : struct, IElementVisitor
    {
        if (start > end)
        {
            return;
        }
        if (_packed is not null)
        {
            VisitPacked(start, end, reverse, ref visitor);
            return;
        }
        ScoreTree.Cursor cursor = _tree!.At(reverse ? end : start);
        for (int i = start; i <= end; i++)
        {
            int slot = cursor.Slot;
            visitor.Visit(_index!.MemberAt(slot), _index.ScoreAt(slot));
            if (reverse)
            {
                cursor.MovePrevious();
            }
            else
            {
                cursor.MoveNext();
            }
        }
    }

    private void VisitPacked<TVisitor>(int start, int end, bool reverse, ref TVisitor visitor)
        where TVisitor : struct, IElementVisitor
    {
        PackedSortedSet packed = _packed!;
        int offset = packed.OffsetOf(start);
        if (!reverse)
        {
            for (int i = start; i <= end; i++)
            {
                offset = packed.Read(offset, out ReadOnlySpan<byte> member, out double score);
                visitor.Visit(member, score);
            }
            return;
        }
        // Entries have no back links: note the offsets going forward, then walk them backwards.
        int count = end - start + 1;
        int[]? rented = count > 256 ? System.Buffers.ArrayPool<int>.Shared.Rent(count) : null;
        Span<int> offsets = rented ?? stackalloc int[count];
        for (int i = 0; i < count; i++)
        {
            offsets[i] = offset;
            offset = packed.Read(offset, out _, out _);
        }
        for (int i = count - 1; i >= 0; i--)
        {
            packed.Read(offsets[i], out ReadOnlySpan<byte> member, out double score);
            visitor.Visit(member, score);
        }
        if (rented is not null)
        {
            System.Buffers.ArrayPool<int>.Shared.Return(rented);
        }
    }

    /// <summary>Removes ranks <paramref name="start"/>..<paramref name="end"/> (inclusive, valid).</summary>
    public void RemoveRange(int start, int end)
    {
        if (start > end)
        {
            return;
        }
        if (_packed is not null)
        {
            _packed.RemoveRange(start, end);
            return;
        }
        for (int i = start; i <= end; i++)
        {
            int slot = _tree!.At(start).Slot;
            byte[] member = _index!.MemberAt(slot);
            _tree.Remove(_index.ScoreAt(slot), member);
            _index.Remove(slot);
        }
    }

    /// <summary>
    /// One step of ZSCAN over the big encoding: members from slot <paramref name="cursor"/> on, about
    /// <paramref name="count"/> slots' worth; returns the next cursor (0 at the end). Slots keep their numbers while
    /// the set changes, so a member present for the whole scan is returned at least once.
    /// </summary>
    public long ScanSlots<TVisitor>(long cursor, long count, ref TVisitor visitor)
        where TVisitor : struct, IElementVisitor
    {
        MemberIndex index = _index!;
        long slot = cursor;
        long visited = 0;
        while (slot < index.SlotLimit && visited < count)
        {
            if (index.IsLive((int)slot))
            {
                visitor.Visit(index.MemberAt((int)slot), index.ScoreAt((int)slot));
                visited++;
            }
            slot++;
        }
        return slot >= index.SlotLimit ? 0 : slot;
    }

    private void ConvertToTree(int capacity)
    {
        PackedSortedSet? packed = _packed;
        _index = new MemberIndex(capacity);
        _tree = new ScoreTree(_index);
        _packed = null;
        if (packed is null)
        {
            return;
        }
        int offset = 0;
        while (offset < packed.End)
        {
            offset = packed.Read(offset, out ReadOnlySpan<byte> member, out double score);
            InsertIntoTree(member.ToArray(), score);
        }
    }
}
