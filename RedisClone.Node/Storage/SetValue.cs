using RedisClone.Node.Protocol;

namespace RedisClone.Node.Storage;

/// <summary>
/// A set, by Redis 7.0's rules: an "intset" (sorted integers) while every member is an integer in canonical form and
/// there are at most set-max-intset-entries of them, else, for good, a "hashtable" (members packed in a
/// <see cref="PackedStore"/>). Members are addressed by handles: an index into the intset, or the store's handle.
/// </summary>
internal sealed class SetValue : CollectionValue, IMemberSet
{
    private long[] _ints;
    private int _intCount;
    private PackedStore? _table;

    private SetValue(long[] ints, int intCount, PackedStore? table)
    {
        _ints = ints;
        _intCount = intCount;
        _table = table;
    }

    /// <summary>An empty intset, as Redis's createIntsetObject (the destination of SINTERSTORE and friends).</summary>
    public static SetValue CreateIntset() => new([], 0, null);

    /// <summary>Redis's setTypeCreate: an intset when the first member is an integer, else a hashtable.</summary>
    public static SetValue CreateFor(ReadOnlySpan<byte> firstMember) =>
        RespNumber.TryParseInt64(firstMember, out _) ? CreateIntset() : new([], 0, new PackedStore(recordsPerElement: 1, capacity: 0).WithIndex());

    public override string TypeName => "set";

    public override string EncodingName => _table is null ? "intset" : "hashtable";

    public override int Count => _table?.Count ?? _intCount;

    public bool IsIntset => _table is null;

    public override CollectionValue Clone() => new SetValue(_ints.AsSpan(0, _intCount).ToArray(), _intCount, _table?.Clone());

    public override long EstimateBytes() => 48 + (_table?.EstimateBytes() ?? _ints.Length * 8L);

    public bool Contains(ReadOnlySpan<byte> member)
    {
        if (_table is not null)
        {
            return _table.Find(member) >= 0;
        }
        return RespNumber.TryParseInt64(member, out long value) && Array.BinarySearch(_ints, 0, _intCount, value) >= 0;
    }

    /// <summary>Adds a member; false when it was there. Redis's setTypeAdd, conversions included.</summary>
    public bool Add(ReadOnlySpan<byte> member, CollectionLimits limits)
    {
        if (_table is not null)
        {
            if (_table.Find(member) >= 0)
            {
                return false;
            }
            _table.Add(member, default);
            return true;
        }
        if (!RespNumber.TryParseInt64(member, out long value))
        {
            ConvertToTable();
            _table!.Add(member, default);
            return true;
        }
        int at = Array.BinarySearch(_ints, 0, _intCount, value);
        if (at >= 0)
        {
            return false;
        }
        at = ~at;
        if (_intCount == _ints.Length)
        {
            Array.Resize(ref _ints, Math.Max(4, _intCount * 2));
        }
        Array.Copy(_ints, at, _ints, at + 1, _intCount - at);
        _ints[at] = value;
        _intCount++;
        if (_intCount > limits.SetMaxIntsetEntries)
        {
            ConvertToTable();
        }
        return true;
    }

    private void ConvertToTable()
    {
        var table = new PackedStore(recordsPerElement: 1, capacity: _intCount * 8).WithIndex();
        Span<byte> digits = stackalloc byte[24];
        for (int i = 0; i < _intCount; i++)
        {
            table.Add(digits[..RespNumber.Format(_ints[i], digits)], default);
        }
        _table = table;
        _ints = [];
        _intCount = 0;
    }

    public bool Remove(ReadOnlySpan<byte> member)
    {
        int handle = Find(member);
        if (handle < 0)
        {
            return false;
        }
        RemoveAt(handle);
        return true;
    }

    /// <summary>The handle of <paramref name="member"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> member)
    {
        if (_table is not null)
        {
            return _table.Find(member);
        }
        if (!RespNumber.TryParseInt64(member, out long value))
        {
            return -1;
        }
        int at = Array.BinarySearch(_ints, 0, _intCount, value);
        return at >= 0 ? at : -1;
    }

    public void RemoveAt(int handle)
    {
        if (_table is not null)
        {
            _table.Remove(handle);
            return;
        }
        Array.Copy(_ints, handle + 1, _ints, handle, _intCount - handle - 1);
        _intCount--;
        if (_intCount < _ints.Length / 4 && _ints.Length > 16)
        {
            Array.Resize(ref _ints, _ints.Length / 2);
        }
    }

    /// <summary>The member at <paramref name="handle"/>; an intset member is formatted into <paramref name="scratch"/> (24 bytes).</summary>
    public ReadOnlySpan<byte> Member(int handle, Span<byte> scratch) =>
        _table is not null ? _table.Key(handle) : scratch[..RespNumber.Format(_ints[handle], scratch)];

    /// <summary>The first handle (-1 when empty); an intset is walked in ascending order, as Redis does.</summary>
    public int First() => _table is not null ? _table.First() : _intCount == 0 ? -1 : 0;

    public int Next(int handle) => _table is not null ? _table.Next(handle) : handle + 1 < _intCount ? handle + 1 : -1;

    /// <summary>A member chosen at random (the set is not empty).</summary>
    public int Random(Random random) => _table is not null ? _table.Random(random) : random.Next(_intCount);

    /// <summary>Every member, as its own array: how ZUNION, ZINTER, ZDIFF and ZINTERCARD read a set (score 1).</summary>
    public IEnumerable<byte[]> Members
    {
        get
        {
            var scratch = new byte[24];
            for (int handle = First(); handle >= 0; handle = Next(handle))
            {
                yield return Member(handle, scratch).ToArray();
            }
        }
    }

    /// <summary>The hashtable's SCAN step; an intset is answered whole by the caller.</summary>
    public ulong Scan(ulong cursor, int count, List<int> handles) => _table!.Scan(cursor, count, handles);
}
