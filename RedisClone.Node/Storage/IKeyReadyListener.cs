namespace RedisClone.Node.Storage;

/// <summary>Told when a key that clients may be blocked on gets a value they could pop (Redis's signalKeyAsReady).</summary>
internal interface IKeyReadyListener
{
    /// <summary>Whether anyone waits on any key: when not, writes skip the call.</summary>
    bool Any { get; }

    void KeyReady(Database db, ReadOnlySpan<byte> key);
}
