namespace RedisClone.Node.Storage;

/// <summary>
/// All databases of the node and the one lock that makes every command atomic, as Redis's single thread does.
/// Connections take <see cref="Sync"/> around a batch of parsed commands and release it before any I/O.
/// </summary>
internal sealed class Keyspace
{
    private Database[] _databases;

    public Keyspace(int databaseCount)
    {
        _databases = new Database[databaseCount];
        for (int i = 0; i < databaseCount; i++)
        {
            _databases[i] = new Database(this, i);
        }
        UpdateClock();
    }

    public Lock Sync { get; } = new();

    /// <summary>Where writes report keys that blocked clients may be waiting on (the blocking registry).</summary>
    public IKeyReadyListener? ReadyListener { get; set; }

    public KeyspaceStats Stats { get; } = new();

    public Random Random { get; } = new();

    /// <summary>Unix time in milliseconds, read once per locked section so that one command sees one instant.</summary>
    public long NowMs { get; private set; }

    /// <summary>Seconds since the node started, for idle times.</summary>
    public uint ClockSeconds { get; private set; }

    /// <summary>Writes since start, like Redis's dirty counter.</summary>
    public long Dirty { get; set; }

    /// <summary>Raised under the lock when a key expires (lazily or by the sweep); keyspace events hook here.</summary>
    public event Action<Database, byte[]>? KeyExpired;

    /// <summary>Raised under the lock when a key is created (the "new" keyspace event).</summary>
    public event Action<Database, byte[]>? KeyCreated;

    private readonly long _startTicks = Environment.TickCount64;

    public int Count => _databases.Length;

    public Database this[int index] => _databases[index];

    public void UpdateClock()
    {
        NowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        ClockSeconds = (uint)((Environment.TickCount64 - _startTicks) / 1000);
    }

    internal void OnKeyExpired(Database database, byte[] key) => KeyExpired?.Invoke(database, key);

    internal void OnKeyCreated(Database database, byte[] key) => KeyCreated?.Invoke(database, key);

    public void FlushAll()
    {
        foreach (Database db in _databases)
        {
            db.Flush();
        }
    }

    public void Swap(int a, int b)
    {
        if (a == b)
        {
            return;
        }
        _databases[a].SwapWith(_databases[b]);
    }
}

/// <summary>Counters reported by INFO stats and reset by CONFIG RESETSTAT.</summary>
internal sealed class KeyspaceStats
{
    public long ExpiredKeys { get; set; }
    public long KeyspaceHits { get; set; }
    public long KeyspaceMisses { get; set; }

    public void Reset()
    {
        ExpiredKeys = 0;
        KeyspaceHits = 0;
        KeyspaceMisses = 0;
    }
}
