namespace RedisClone.Node.Commands;

/// <summary>What a blocking command (BLPOP, BZPOPMIN, BLMPOP, ...) does once every key it names is empty.</summary>
internal static class BlockingKeys
{
    /// <summary>
    /// The keys to wait on: the distinct ones among the <paramref name="keyCount"/> arguments from
    /// <paramref name="firstKey"/>, in order (a client waits once on a key named twice). Inside MULTI the command cannot
    /// wait and answers the timeout's null array at once, as Redis does; false then.
    /// </summary>
    public static bool TryWaitOn(CommandContext c, int firstKey, int keyCount, out byte[][] keys)
    {
        if (c.RunningTransaction)
        {
            c.Reply.WriteNullArray();
            keys = [];
            return false;
        }
        var distinct = new List<byte[]>(keyCount);
        for (int i = firstKey; i < firstKey + keyCount; i++)
        {
            if (!distinct.Exists(k => k.AsSpan().SequenceEqual(c.Args[i])))
            {
                distinct.Add(c.Args.ToArray(i));
            }
        }
        keys = [.. distinct];
        return true;
    }
}
