namespace RedisClone.Node.Storage;

/// <summary>
/// One numbered database: the key table, the expiry schedule and the WATCH registrations.
/// Every method runs under the keyspace lock. Reads expire keys lazily; <see cref="ExpireDue"/> is the active sweep.
/// </summary>
internal sealed class Database
{
    private readonly Keyspace _keyspace;
    private KeyTable _table = new();

    // Keys with a TTL by due time. Entries go stale when a TTL changes or a key goes away; they are skipped when
    // they surface and the heap is rebuilt when stale ones outnumber live ones, so it stays proportional to the TTLs.
    private PriorityQueue<byte[], long> _expiryQueue = new();
    private int _volatileCount;
    private decimal _expireAtSum; // sum of due times of volatile keys, for INFO's avg_ttl

    private readonly Dictionary<byte[], List<WatchedKey>> _watchers = new(ByteArrayComparer.Instance);

    public Database(Keyspace keyspace, int index)
    {
        _keyspace = keyspace;
        Index = index;
    }

    public int Index { get; }

    public int Count => _table.Count;

    /// <summary>Bytes of the key table's own arrays (MEMORY STATS' overhead.hashtable.main).</summary>
    public long TableBytes => _table.TableBytes;

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

    /// <summary>
    /// The value at a slot for any command but APPEND and SETRANGE: a <see cref="GrowableString"/> is first trimmed to
    /// an exact byte[] and stored so (the same value: no WATCH fires, no notification).
    /// </summary>
    public object ReadValueAt(int slot)
    {
        ref object? value = ref _table.ValueAt(slot);
        if (value is GrowableString growing)
        {
            value = growing.ToExact();
        }
        return value!;
    }

    /// <summary><see cref="Get"/> for a reading command: a value being grown is trimmed first (<see cref="ReadValueAt"/>).</summary>
    public object? Read(ReadOnlySpan<byte> key, bool touch = true)
    {
        int slot = Lookup(key, touch);
        return slot < 0 ? null : ReadValueAt(slot);
    }

    public byte[] KeyAt(int slot) => _table.KeyAt(slot);

    public long ExpireAtSlot(int slot) => _table.ExpireAtSlot(slot);

    public uint LastAccessAt(int slot) => _table.LastAccessAt(slot);

    public StringEncoding EncodingAt(int slot) => _table.EncodingAt(slot);

    /// <summary>Sets the value of a key, creating it if needed. <paramref name="keepTtl"/> keeps an existing TTL.</summary>
    public void Set(ReadOnlySpan<byte> key, object value, long expireAt = KeyTable.NoExpiry, bool keepTtl = false, StringEncoding encoding = StringEncoding.Auto) =>
        StoreAt(Lookup(key, touch: false), key, value, expireAt, keepTtl, encoding);

    /// <summary>
    /// Stores a string value for <paramref name="key"/>, whose slot the caller already looked up (-1: absent). A value
    /// of the same length as the one it replaces is copied into it: a string's bytes are never shared between keys
    /// (COPY clones) nor kept by a reply (replies copy), so the array is this key's alone, and an overwrite of the
    /// same size (a counter, a fixed-size record) allocates nothing; Redis's INCR reuses its object the same way.
    /// </summary>
    public void SetString(int slot, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expireAt = KeyTable.NoExpiry, bool keepTtl = false)
    {
        if (slot >= 0 && _table.ValueAt(slot) is byte[] current && current.Length == value.Length)
        {
            value.CopyTo(current);
            StoreAt(slot, key, current, expireAt, keepTtl, StringEncoding.Auto);
        }
        else
        {
            StoreAt(slot, key, value.ToArray(), expireAt, keepTtl, StringEncoding.Auto);
        }
    }

    /// <summary>As <see cref="SetString"/>, keeping <paramref name="value"/> itself, which the caller hands over (a big argument's own array).</summary>
    public void StoreString(int slot, ReadOnlySpan<byte> key, byte[] value, long expireAt = KeyTable.NoExpiry, bool keepTtl = false) =>
        StoreAt(slot, key, value, expireAt, keepTtl, StringEncoding.Auto);

    private void StoreAt(int slot, ReadOnlySpan<byte> key, object value, long expireAt, bool keepTtl, StringEncoding encoding)
    {
        if (slot < 0)
        {
            byte[] stored = key.ToArray();
            slot = _table.Add(stored, value, KeyTable.NoExpiry);
            _keyspace.OnKeyCreated(this, stored);
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
        if (value is CollectionValue)
        {
            SignalReady(key);
        }
    }

    /// <summary>Replaces the value at a slot already found by <see cref="Lookup"/>, keeping its TTL.</summary>
    public void Overwrite(int slot, object value, StringEncoding encoding = StringEncoding.Auto)
    {
        _table.ValueAt(slot) = value;
        _table.EncodingAt(slot) = encoding;
        KeyModified(_table.KeyAt(slot));
        if (value is CollectionValue)
        {
            SignalReady(_table.KeyAt(slot));
        }
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

    /// <summary>
    /// A command changed the collection at <paramref name="key"/> in place: WATCH sees it, and an emptied collection's
    /// key goes away (Redis never keeps an empty hash, list, set or sorted set). True when the key was removed, so the
    /// caller can fire Redis's "del" notification after its own.
    /// </summary>
    public bool CollectionChanged(ReadOnlySpan<byte> key, CollectionValue value)
    {
        if (value.Count == 0)
        {
            return Delete(key);
        }
        KeyModified(key);
        SignalReady(key);
        return false;
    }

    /// <summary>
    /// Redis's signalKeyAsReady: a collection was stored or grew at <paramref name="key"/>, so clients blocked on it
    /// may be served once the running command is done. Nearly free when nobody is blocked.
    /// </summary>
    public void SignalReady(ReadOnlySpan<byte> key)
    {
        if (_keyspace.ReadyListener is { Any: true } listener)
        {
            listener.KeyReady(this, key);
        }
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

    /// <summary>Empties the database; WATCH sees every key that was stored (an already expired one going away is no change).</summary>
    public void Flush()
    {
        TouchWatchedKeysReplacedBy(null);
        _table = new KeyTable();
        _expiryQueue = new PriorityQueue<byte[], long>();
        _volatileCount = 0;
        _expireAtSum = 0;
    }

    /// <summary>Exchanges contents with another database (SWAPDB); watchers of both see the keys that change.</summary>
    public void SwapWith(Database other)
    {
        TouchWatchedKeysReplacedBy(other);
        other.TouchWatchedKeysReplacedBy(this);
        (_table, other._table) = (other._table, _table);
        (_expiryQueue, other._expiryQueue) = (other._expiryQueue, _expiryQueue);
        (_volatileCount, other._volatileCount) = (other._volatileCount, _volatileCount);
        (_expireAtSum, other._expireAtSum) = (other._expireAtSum, _expireAtSum);
    }

    /// <summary>
    /// Redis's touchAllWatchedKeysInDb: this database's keys are about to be dropped (FLUSHDB, FLUSHALL) or replaced by
    /// <paramref name="replacement"/>'s (SWAPDB). A watched key changes when it is stored on either side, except that an
    /// expired key going away or staying expired is no change, and an expired key arriving is then watched as expired.
    /// </summary>
    private void TouchWatchedKeysReplacedBy(Database? replacement)
    {
        foreach ((byte[] key, List<WatchedKey> watches) in _watchers)
        {
            bool storedHere = _table.Find(key) >= 0;
            bool storedThere = replacement is not null && replacement._table.Find(key) >= 0;
            if (!storedHere && !storedThere)
            {
                continue;
            }
            bool expiredThere = storedThere && replacement!.IsStoredButExpired(key);
            foreach (WatchedKey watch in watches)
            {
                if (watch.Expired)
                {
                    if (!storedThere)
                    {
                        watch.Expired = false;
                        continue;
                    }
                    if (expiredThere)
                    {
                        continue;
                    }
                }
                else if (!storedHere && expiredThere)
                {
                    watch.Expired = true;
                    continue;
                }
                watch.Watcher.WatchedKeyModified();
            }
        }
    }

    /// <summary>Redis's keyIsExpired: the key is still stored but its time has come (nothing is removed here).</summary>
    private bool IsStoredButExpired(ReadOnlySpan<byte> key)
    {
        int slot = _table.Find(key);
        if (slot < 0)
        {
            return false;
        }
        long expireAt = _table.ExpireAtSlot(slot);
        return expireAt != KeyTable.NoExpiry && expireAt <= Now;
    }

    /// <summary>Registers a client's WATCH of <paramref name="key"/>, noting whether the key had already expired.</summary>
    public WatchedKey Watch(byte[] key, IWatcher watcher)
    {
        if (!_watchers.TryGetValue(key, out List<WatchedKey>? watches))
        {
            watches = [];
            _watchers[key] = watches;
        }
        var watch = new WatchedKey(watcher, key, IsStoredButExpired(key));
        watches.Add(watch);
        return watch;
    }

    public void Unwatch(WatchedKey watch)
    {
        if (_watchers.TryGetValue(watch.Key, out List<WatchedKey>? watches))
        {
            watches.Remove(watch);
            if (watches.Count == 0)
            {
                _watchers.Remove(watch.Key);
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
        if (_watchers.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out List<WatchedKey>? watches))
        {
            bool stored = _table.Find(key) >= 0;
            foreach (WatchedKey watch in watches)
            {
                if (watch.Expired && !stored)
                {
                    // Redis's touchWatchedKey: a key already expired at WATCH time being removed is no change.
                    watch.Expired = false;
                    continue;
                }
                watch.Watcher.WatchedKeyModified();
            }
        }
    }
}

/// <summary>One client's WATCH of one key (Redis's watchedKey).</summary>
internal sealed class WatchedKey(IWatcher watcher, byte[] key, bool expired)
{
    public IWatcher Watcher { get; } = watcher;

    public byte[] Key { get; } = key;

    /// <summary>
    /// The key was stored but already expired when WATCHed (or an expired key took its place through SWAPDB): its
    /// removal then is no change for the transaction, any other change is.
    /// </summary>
    public bool Expired { get; set; } = expired;
}

/// <summary>A client with a pending WATCH.</summary>
internal interface IWatcher
{
    void WatchedKeyModified();
}
