using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;

namespace RedisClone.Node.Commands;

/// <summary>Value access shared by the command families.</summary>
internal static class ValueAccess
{
    /// <summary>The string at <paramref name="key"/> (null when absent); false, with WRONGTYPE written, for another type.</summary>
    public static bool TryGetString(this CommandContext context, ReadOnlySpan<byte> key, out byte[]? value) =>
        context.TryGetString(key, out _, out value);

    /// <summary>As <see cref="TryGetString(CommandContext, ReadOnlySpan{byte}, out byte[])"/>, also giving the key's slot (-1: absent).</summary>
    public static bool TryGetString(this CommandContext context, ReadOnlySpan<byte> key, out int slot, out byte[]? value)
    {
        slot = context.Db.Lookup(key);
        object? stored = slot < 0 ? null : context.Db.ReadValueAt(slot);
        if (stored is null)
        {
            context.Keyspace.Stats.KeyspaceMisses++;
            value = null;
            return true;
        }
        context.Keyspace.Stats.KeyspaceHits++;
        value = stored as byte[];
        if (value is null)
        {
            context.Reply.WriteError(RespLiterals.WrongType);
            return false;
        }
        return true;
    }

    /// <summary>
    /// The collection of type <typeparamref name="T"/> at <paramref name="key"/> (null when absent, counted as a miss);
    /// false, with WRONGTYPE written, when the key holds another type. Like Redis's lookupKeyRead/checkType, or, for
    /// a command that changes the key, lookupKeyWrite, which leaves keyspace_hits/misses alone.
    /// </summary>
    public static bool TryGetCollection<T>(this CommandContext context, ReadOnlySpan<byte> key, out int slot, out T? value)
        where T : CollectionValue
    {
        bool write = context.Command.LooksUpForWrite;
        slot = context.Db.Lookup(key);
        if (slot < 0)
        {
            if (!write)
            {
                context.Keyspace.Stats.KeyspaceMisses++;
            }
            value = null;
            return true;
        }
        if (!write)
        {
            context.Keyspace.Stats.KeyspaceHits++;
        }
        value = context.Db.ValueAt(slot) as T;
        if (value is null)
        {
            context.Reply.WriteError(RespLiterals.WrongType);
            return false;
        }
        return true;
    }

    /// <summary>
    /// The first of the <paramref name="keyCount"/> keys from argument <paramref name="firstKey"/> that holds a
    /// collection (LMPOP, ZMPOP and the blocking pops serve it): its argument index and value, the value null when every
    /// key is missing. False, with WRONGTYPE written, when a key of another type comes before any that holds one.
    /// </summary>
    public static bool TryFirstNonEmpty<T>(this CommandContext context, int firstKey, int keyCount, out int keyIndex, out T? value)
        where T : CollectionValue
    {
        for (keyIndex = firstKey; keyIndex < firstKey + keyCount; keyIndex++)
        {
            if (!context.TryGetCollection(context.Args[keyIndex], out _, out value))
            {
                return false;
            }
            if (value is not null)
            {
                return true;
            }
        }
        value = null;
        return true;
    }

    /// <summary>
    /// Redis's getExpireMillisecondsOrReply: a positive count in <paramref name="unitMs"/> (1000 for seconds), relative
    /// to now unless <paramref name="absolute"/>, turned into a unix-ms due time; errors are written as Redis words them.
    /// </summary>
    public static bool TryExpireAt(this CommandContext context, int index, long unitMs, bool absolute, out long expireAt)
    {
        expireAt = 0;
        if (!context.TryInteger(index, out long amount))
        {
            return false;
        }
        if (amount <= 0 || amount > long.MaxValue / unitMs)
        {
            context.Reply.WriteError(RespLiterals.InvalidExpire(context.Command.FullName));
            return false;
        }
        long ms = amount * unitMs;
        if (!absolute)
        {
            if (ms > long.MaxValue - context.Now)
            {
                context.Reply.WriteError(RespLiterals.InvalidExpire(context.Command.FullName));
                return false;
            }
            ms += context.Now;
        }
        expireAt = ms;
        return true;
    }
}
