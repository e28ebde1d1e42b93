using RedisClone.Node.Protocol;
using RedisClone.Node.Server;
using RedisClone.Node.Server.Blocking;
using RedisClone.Node.Storage;

namespace RedisClone.Node.Commands;

/// <summary>
/// BZPOPMIN, BZPOPMAX and BZMPOP: the sorted-set pops that wait for a member, on the blocking machinery the list
/// pops use (<see cref="BlockingRegistry"/>); served by <see cref="SortedSetPopCommands"/>'s pop.
/// </summary>
public static class SortedSetBlockingCommands
{
    private const CommandFlags Blocking = CommandFlags.Write | CommandFlags.NoScript | CommandFlags.Blocking | CommandFlags.Fast;

    public static void Register(CommandTable t)
    {
        t.Add(new("bzpopmin", -3, Blocking, c => BlockingPop(c, max: false), "@write @sortedset @fast @blocking", new("Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.", "5.0.0", "sorted-set",
            "O(log(N)) with N being the number of elements in the sorted set.", "key... timeout:double")) { FirstKey = 1, LastKey = -2, KeyStep = 1 });
        t.Add(new("bzpopmax", -3, Blocking, c => BlockingPop(c, max: true), "@write @sortedset @fast @blocking", new("Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped.", "5.0.0", "sorted-set",
            "O(log(N)) with N being the number of elements in the sorted set.", "key... timeout:double")) { FirstKey = 1, LastKey = -2, KeyStep = 1 });
        t.Add(new("bzmpop", -5, CommandFlags.Write | CommandFlags.Blocking | CommandFlags.MovableKeys, BlockingMultiPop, "@write @sortedset @slow @blocking", new("Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.", "7.0.0", "sorted-set",
            "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.", "timeout:double numkeys:integer key... where:oneof(MIN|MAX) [COUNT count:integer]")));
    }

    private static void BlockingPop(CommandContext c, bool max)
    {
        if (BlockingTimeout.TryParse(c, c.Args.Count - 1, out long timeoutMs))
        {
            PopOrBlock(c, 1, c.Args.Count - 2, max, count: 1, SortedSetPopCommands.PopReply.KeyMemberScore, timeoutMs);
        }
    }

    // Redis's bzmpopCommand reads the timeout before the rest.
    private static void BlockingMultiPop(CommandContext c)
    {
        if (BlockingTimeout.TryParse(c, 1, out long timeoutMs)
            && SortedSetPopCommands.TryParseMultiPop(c, 2, out int keyCount, out bool max, out long count))
        {
            PopOrBlock(c, 3, keyCount, max, count, SortedSetPopCommands.PopReply.KeyAndPairs, timeoutMs);
        }
    }

    /// <summary>
    /// Redis's blockingGenericZpopCommand: the first key holding members serves at once; a key of another type is
    /// WRONGTYPE if no earlier key served; inside MULTI the command cannot wait and answers a null array.
    /// </summary>
    private static void PopOrBlock(CommandContext c, int firstKey, int keyCount, bool max, long count, SortedSetPopCommands.PopReply shape, long timeoutMs)
    {
        for (int i = firstKey; i < firstKey + keyCount; i++)
        {
            if (!c.TryGetCollection(c.Args[i], out _, out SortedSetValue? set))
            {
                return;
            }
            if (set is not null)
            {
                SortedSetPopCommands.Pop(c, c.Db, c.Args[i], set, count, max, shape);
                return;
            }
        }
        if (c.RunningTransaction)
        {
            c.Reply.WriteNullArray();
            return;
        }
        var keys = new List<byte[]>(keyCount);
        for (int i = firstKey; i < firstKey + keyCount; i++)
        {
            if (!keys.Exists(k => k.AsSpan().SequenceEqual(c.Args[i])))
            {
                keys.Add(c.Args.ToArray(i));
            }
        }
        c.Server.Blocking.Block(new SortedSetBlockedRequest(c.Client, c.Db, [.. keys], max, count, shape), timeoutMs);
    }

    private sealed class SortedSetBlockedRequest(ClientSession client, Database db, byte[][] keys, bool max, long count, SortedSetPopCommands.PopReply shape)
        : BlockedRequest(client, db, keys)
    {
        public override bool TryServe(NodeServer server, Database db, byte[] key)
        {
            if (db.Get(key) is not SortedSetValue { Count: > 0 } set)
            {
                return false;
            }
            SortedSetPopCommands.Pop(server, Reply, null, db, key, set, count, max, shape);
            return true;
        }

        public override void WriteTimeout(RespWriter reply) => reply.WriteNullArray();
    }
}
