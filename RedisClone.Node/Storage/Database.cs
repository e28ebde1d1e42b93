namespace RedisClone.Node.Storage;

/// <summary>
/// One numbered database: the key table, the expiry schedule and the WATCH registrations.
/// Every method runs under the keyspace lock. Reads expire keys lazily; <see cref="ExpireDue"/> is the active sweep.
/// </summary>
public sealed class Database
{
    private readonly Keyspace _keyspace;
    private KeyTable _table = new();

    // Keys with a TTL by due time. Entries go stale when a TTL changes or a key goes away; they are skipped when
    // they surface and the heap is rebuilt when stale ones outnumber live ones, so it stays proportional to the TTLs.
    private PriorityQueue<byte[], long> _expiryQueue = new();
    private int _volatileCount;
    private decimal _expireAtSum; // sum of due times of volatile keys, for INFO's avg_ttl

    private readonly Dictionary<byte[], List<IWatcher>> _watchers = new(ByteArrayComparer.Instance);

    public Database(Keyspace keyspace, int index)
    {
        _keyspace = keyspace;
        Index = index;
    }

    public int Index { get; }

    public int Count => _table.Count;

    public int VolatileCount => _volatileCount;

    public long AverageTtlMs => _volatileCount == 0 ? 0 : Math.Max(0, (long)(_expireAtSum / _volatileCount) - _keyspace.NowMs);

    private long Now => _keyspace.NowMs;

    /// <summary>The slot of a live key (expiring it first if it is due), or -1.</summary>
    public int Lookup(ReadOnlySpan<byte> key, bool touch = true)
    {
        int slot = _table.Find(key);
        if (slot < 0)
        {
            return -1;
        }
        long expireAt = _table.ExpireAtSlot(slot);
        if (expireAt != KeyTable.NoExpiry && expireAt <= Now)
        {
            ExpireSlot(slot);
            return -1;
        }
        if (touch)
        {
            _table.LastAccessAt(slot) = _keyspace.ClockSeconds;
        }
        return slot;
    }

    public bool Exists(ReadOnlySpan<byte> key) => Lookup(key, touch: false) >= 0;

    public object? Get(ReadOnlySpan<byte> key, bool touch = true)
    {
        int slot = Lookup(key, touch);
        return slot < 0 ? null : _table.ValueAt(slot);
    }

    public object ValueAt(int slot) => _table.ValueAt(slot)!;

    public byte[] KeyAt(int slot) => _table.KeyAt(slot);

    public long ExpireAtSlot(int slot) => _table.ExpireAtSlot(slot);

    public uint LastAccessAt(int slot) => _table.LastAccessAt(slot);

    public StringEncoding EncodingAt(int slot) => _table.EncodingAt(slot);

    /// <summary>Sets the value of a key, creating it if needed. <paramref name="keepTtl"/> keeps an existing TTL.</summary>
    public void Set(ReadOnlySpan<byte> key, object value, long expireAt = KeyTable.NoExpiry, bool keepTtl = false, StringEncoding encoding = StringEncoding.Auto)
    {
        int slot = Lookup(key, touch: false);
        if (slot < 0)
        {
            byte[] stored = key.ToArray();
            slot = _table.Add(stored, value, KeyTable.NoExpiry);
            if (expireAt != KeyTable.NoExpiry)
            {
                SetExpireAt(slot, expireAt);
            }
        }
        else
        {
            _table.ValueAt(slot) = value;
            if (!keepTtl)
            {
                SetExpireAt(slot, expireAt);
            }
        }
        _table.LastAccessAt(slot) = _keyspace.ClockSeconds;
        _table.EncodingAt(slot) = encoding;
        KeyModified(_table.KeyAt(slot));
    }

    /// <summary>Replaces the value at a slot already found by <see cref="Lookup"/>, keeping its TTL.</summary>
    public void Overwrite(int slot, object value, StringEncoding encoding = StringEncoding.Auto)
    {
        _table.ValueAt(slot) = value;
        _table.EncodingAt(slot) = encoding;
        KeyModified(_table.KeyAt(slot));
    }

    public bool Delete(ReadOnlySpan<byte> key)
    {
        int slot = Lookup(key, touch: false);
        if (slot < 0)
        {
            return false;
        }
        byte[] stored = _table.KeyAt(slot);
        RemoveSlot(slot);
        KeyModified(stored);
        return true;
    }

    /// <summary>Sets or clears (with <see cref="KeyTable.NoExpiry"/>) the due time of the key at a slot.</summary>
    public void SetExpireAt(int slot, long expireAt)
    {
        ref long current = ref _table.ExpireAtSlot(slot);
        if (current != KeyTable.NoExpiry)
        {
            _volatileCount--;
            _expireAtSum -= current;
        }
        current = expireAt;
        if (expireAt != KeyTable.NoExpiry)
        {
            _volatileCount++;
            _expireAtSum += expireAt;
            _expiryQueue.Enqueue(_table.KeyAt(slot), expireAt);
            if (_expiryQueue.Count > 2 * _volatileCount + 1024)
            {
                RebuildExpiryQueue();
            }
        }
    }

    /// <summary>Changes a key's TTL as a command does (EXPIRE, PERSIST): WATCH sees it.</summary>
    public void ChangeExpireAt(int slot, long expireAt)
    {
        SetExpireAt(slot, expireAt);
        KeyModified(_table.KeyAt(slot));
    }

    private void RemoveSlot(int slot)
    {
        long expireAt = _table.ExpireAtSlot(slot);
        if (expireAt != KeyTable.NoExpiry)
        {
            _volatileCount--;
            _expireAtSum -= expireAt;
        }
        _table.RemoveAt(slot);
    }

    private void ExpireSlot(int slot)
    {
        byte[] key = _table.KeyAt(slot);
        RemoveSlot(slot);
        _keyspace.Stats.ExpiredKeys++;
        KeyModified(key);
        _keyspace.OnKeyExpired(this, key);
    }

    /// <summary>The active sweep: removes keys whose time has come, at most <paramref name="budget"/> of them.</summary>
    public int ExpireDue(int budget)
    {
        int expired = 0;
        while (expired < budget && _expiryQueue.TryPeek(out byte[]? key, out long dueAt) && dueAt <= Now)
        {
            _expiryQueue.Dequeue();
            int slot = _table.Find(key);
            if (slot < 0)
            {
                continue;
            }
            long expireAt = _table.ExpireAtSlot(slot);
            if (expireAt != KeyTable.NoExpiry && expireAt <= Now)
            {
                ExpireSlot(slot);
                expired++;
            }
        }
        return expired;
    }

    private void RebuildExpiryQueue()
    {
        var queue = new PriorityQueue<byte[], long>(_volatileCount);
        foreach (int slot in _table.Slots())
        {
            long expireAt = _table.ExpireAtSlot(slot);
            if (expireAt != KeyTable.NoExpiry)
            {
                queue.Enqueue(_table.KeyAt(slot), expireAt);
            }
        }
        _expiryQueue = queue;
    }

    public ulong Scan(ulong cursor, int count, List<int> slots) => _table.Scan(cursor, count, slots);

    public IEnumerable<int> Slots() => _table.Slots();

    /// <summary>A live key chosen at random, or null when the database is empty.</summary>
    public byte[]? RandomKey(Random random)
    {
        // Expired keys found on the way are removed; give up on sampling after a bounded number of them.
        for (int attempt = 0; attempt < 100 && _table.Count > 0; attempt++)
        {
            int slot = _table.RandomSlot(random);
            long expireAt = _table.ExpireAtSlot(slot);
            if (expireAt != KeyTable.NoExpiry && expireAt <= Now)
            {
                ExpireSlot(slot);
                continue;
            }
            return _table.KeyAt(slot);
        }
        return _table.Count > 0 ? _table.KeyAt(_table.RandomSlot(random)) : null;
    }

    /// <summary>Empties the database; WATCH sees every key that existed.</summary>
    public void Flush()
    {
        if (_watchers.Count > 0)
        {
            foreach (byte[] key in _watchers.Keys.ToList())
            {
                if (_table.Find(key) >= 0)
                {
                    KeyModified(key);
                }
            }
        }
        _table = new KeyTable();
        _expiryQueue = new PriorityQueue<byte[], long>();
        _volatileCount = 0;
        _expireAtSum = 0;
    }

    /// <summary>Exchanges contents with another database (SWAPDB); watchers of both are told.</summary>
    public void SwapWith(Database other)
    {
        TouchAllWatched();
        other.TouchAllWatched();
        (_table, other._table) = (other._table, _table);
        (_expiryQueue, other._expiryQueue) = (other._expiryQueue, _expiryQueue);
        (_volatileCount, other._volatileCount) = (other._volatileCount, _volatileCount);
        (_expireAtSum, other._expireAtSum) = (other._expireAtSum, _expireAtSum);
    }

    private void TouchAllWatched()
    {
        foreach (byte[] key in _watchers.Keys.ToList())
        {
            KeyModified(key);
        }
    }

    public void Watch(byte[] key, IWatcher watcher)
    {
        if (!_watchers.TryGetValue(key, out List<IWatcher>? list))
        {
            list = [];
            _watchers[key] = list;
        }
        if (!list.Contains(watcher))
        {
            list.Add(watcher);
        }
    }

    public void Unwatch(byte[] key, IWatcher watcher)
    {
        if (_watchers.TryGetValue(key, out List<IWatcher>? list))
        {
            list.Remove(watcher);
            if (list.Count == 0)
            {
                _watchers.Remove(key);
            }
        }
    }

    /// <summary>Tells WATCHers of <paramref name="key"/> that it changed. Cheap when nobody watches.</summary>
    public void KeyModified(ReadOnlySpan<byte> key)
    {
        _keyspace.Dirty++;
        if (_watchers.Count == 0)
        {
            return;
        }
        if (_watchers.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out List<IWatcher>? list))
        {
            foreach (IWatcher watcher in list)
            {
                watcher.WatchedKeyModified();
            }
        }
    }
}

/// <summary>A client with a pending WATCH.</summary>
public interface IWatcher
{
    void WatchedKeyModified();
}
