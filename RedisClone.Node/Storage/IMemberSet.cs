namespace RedisClone.Node.Storage;

/// <summary>
/// A plain set seen as a sorted set whose members all score 1: how ZUNION, ZINTER, ZDIFF and ZINTERCARD read a set
/// given as input, as Redis does. The set type implements it.
/// </summary>
internal interface IMemberSet
{
    int Count { get; }

    bool Contains(ReadOnlySpan<byte> member);

    IEnumerable<byte[]> Members { get; }
}
