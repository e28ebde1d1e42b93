namespace RedisClone.Node.Storage;

/// <summary>
/// A value of one of Redis's collection types (hash, list, set, sorted set). Strings stay byte[] (or
/// <see cref="GrowableString"/> while APPEND grows them); everything else a key holds derives from this, so TYPE,
/// OBJECT ENCODING, COPY, SCAN's TYPE filter and MEMORY USAGE need no per-type switch.
/// </summary>
internal abstract class CollectionValue
{
    /// <summary>The name TYPE reports: "hash", "list", "set" or "zset".</summary>
    public abstract string TypeName { get; }

    /// <summary>
    /// The name OBJECT ENCODING reports, by Redis 7.0's rules: a value starts compact (listpack, intset) and is
    /// converted once a size setting is exceeded; like Redis 7.0, it is not converted back when it shrinks.
    /// </summary>
    public abstract string EncodingName { get; }

    /// <summary>Elements (fields, members): what HLEN, LLEN, SCARD, ZCARD answer.</summary>
    public abstract int Count { get; }

    /// <summary>A deep copy, for COPY: the copy shares no mutable state with the original.</summary>
    public abstract CollectionValue Clone();

    /// <summary>An estimate of the bytes the value holds, for MEMORY USAGE.</summary>
    public abstract long EstimateBytes();
}
