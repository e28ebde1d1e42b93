using RedisClone.Node.Clients;
using RedisClone.Node.Commands.Blocking;
using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;

namespace RedisClone.Node.Commands.SortedSets;

/// <summary>
/// BZPOPMIN, BZPOPMAX and BZMPOP: the sorted-set pops that wait for a member, on the blocking machinery the list
/// pops use (<see cref="BlockingRegistry"/>); served by <see cref="SortedSetPopCommands"/>'s pop.
/// </summary>
internal static class SortedSetBlockingCommands
{
    public static void Register(CommandBindings t)
    {
        t.Add("bzpopmin", c => BlockingPop(c, max: false));
        t.Add("bzpopmax", c => BlockingPop(c, max: true));
        t.Add("bzmpop", BlockingMultiPop);
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
        if (!c.TryFirstNonEmpty(firstKey, keyCount, out int keyIndex, out SortedSetValue? set))
        {
            return;
        }
        if (set is not null)
        {
            SortedSetPopCommands.Pop(c, c.Db, c.Args[keyIndex], set, count, max, shape);
            return;
        }
        if (!BlockingKeys.TryWaitOn(c, firstKey, keyCount, out byte[][] keys))
        {
            return;
        }
        c.Server.Blocking.Block(new SortedSetBlockedRequest(c.Server, c.Client, c.Db, keys, max, count, shape), timeoutMs);
    }

    private sealed class SortedSetBlockedRequest(NodeServer server, ClientSession client, Database db, byte[][] keys, bool max, long count, SortedSetPopCommands.PopReply shape)
        : BlockedRequest(client, db, keys)
    {
        public override bool TryServe(Database db, byte[] key)
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
