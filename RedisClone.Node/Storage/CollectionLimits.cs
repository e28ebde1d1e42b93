namespace RedisClone.Node.Storage;

/// <summary>
/// The size settings that decide a collection's encoding (Redis's hash-max-listpack-entries and friends). The node
/// reads them when a write converts a value, so CONFIG SET applies to values written afterwards, as in Redis.
/// </summary>
internal sealed class CollectionLimits
{
    // 512, not redis.conf's 128: what redis-server 7.0 runs with when no config file sets it (its compiled-in default).
    public long HashMaxListpackEntries { get; set; } = 512;
    public long HashMaxListpackValue { get; set; } = 64;
    public long SetMaxIntsetEntries { get; set; } = 512;
    public long ZSetMaxListpackEntries { get; set; } = 128;
    public long ZSetMaxListpackValue { get; set; } = 64;

    /// <summary>list-max-listpack-size: positive, entries per quicklist node; -1..-5, node size 4/8/16/32/64 KB.</summary>
    public long ListMaxListpackSize { get; set; } = -2;
    public long ListCompressDepth { get; set; }
}
