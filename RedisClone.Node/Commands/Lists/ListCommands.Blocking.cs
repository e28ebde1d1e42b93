using RedisClone.Node.Clients;
using RedisClone.Node.Commands.Blocking;
using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;

namespace RedisClone.Node.Commands.Lists;

/// <summary>BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP: the list pops that wait for an element.</summary>
internal static partial class ListCommands
{
    private static void RegisterBlocking(CommandBindings t)
    {
        t.Add("blpop", c => BlockingPop(c, left: true));
        t.Add("brpop", c => BlockingPop(c, left: false));
        t.Add("blmove", BlockingMove);
        t.Add("brpoplpush", c => BlockingMoveBetween(c, left: false, toLeft: true, timeoutIndex: 3));
        t.Add("blmpop", BlockingMultiPop);
    }

    private static void BlockingPop(CommandContext c, bool left)
    {
        if (!BlockingTimeout.TryParse(c, c.Args.Count - 1, out long timeoutMs))
        {
            return;
        }
        PopOrBlock(c, 1, c.Args.Count - 2, left, count: -1, timeoutMs);
    }

    private static void BlockingMultiPop(CommandContext c)
    {
        if (!TryParseMultiPop(c, 2, out int keyCount, out bool left, out long count) || !BlockingTimeout.TryParse(c, 1, out long timeoutMs))
        {
            return;
        }
        PopOrBlock(c, 3, keyCount, left, count, timeoutMs);
    }

    /// <summary>
    /// Redis's blockingPopGenericCommand: the first key holding elements serves at once; a key of another type is
    /// WRONGTYPE if no earlier key served; inside MULTI (or a script) the command cannot wait and answers a null.
    /// <paramref name="count"/> -1 is BLPOP's [key, element] reply, else BLMPOP's [key, [elements]].
    /// </summary>
    private static void PopOrBlock(CommandContext c, int firstKey, int keyCount, bool left, long count, long timeoutMs)
    {
        if (!c.TryFirstNonEmpty(firstKey, keyCount, out int keyIndex, out ListValue? list))
        {
            return;
        }
        if (list is not null)
        {
            if (count == -1)
            {
                PopOneWithKey(c.Server, c.Db, c.Client, c.Args[keyIndex], list, left, c.Reply);
            }
            else
            {
                PopRangeWithKey(c.Server, c.Db, c.Client, c.Args[keyIndex], list, left, count, c.Reply);
            }
            return;
        }
        if (!BlockingKeys.TryWaitOn(c, firstKey, keyCount, out byte[][] keys))
        {
            return;
        }
        c.Server.Blocking.Block(new ListBlockedRequest(c.Server, c.Client, c.Db, keys, left, count, destination: null, toLeft: false), timeoutMs);
    }

    private static void BlockingMove(CommandContext c)
    {
        if (TryDirection(c, 3, out bool left) && TryDirection(c, 4, out bool toLeft))
        {
            BlockingMoveBetween(c, left, toLeft, timeoutIndex: 5);
        }
    }

    private static void BlockingMoveBetween(CommandContext c, bool left, bool toLeft, int timeoutIndex)
    {
        if (!BlockingTimeout.TryParse(c, timeoutIndex, out long timeoutMs))
        {
            return;
        }
        if (!c.TryGetCollection(c.Args[1], out _, out ListValue? source))
        {
            return;
        }
        if (source is not null)
        {
            MoveBetween(c, left, toLeft);
            return;
        }
        if (c.RunningTransaction)
        {
            c.Reply.WriteNull();
            return;
        }
        c.Server.Blocking.Block(new ListBlockedRequest(c.Server, c.Client, c.Db, [c.Args.ToArray(1)], left, -1, c.Args.ToArray(2), toLeft), timeoutMs);
    }

    /// <summary>BLPOP's reply: the key and the element popped from it.</summary>
    internal static void PopOneWithKey(NodeServer server, Database db, ClientSession? who, ReadOnlySpan<byte> key, ListValue list, bool left, RespWriter reply)
    {
        reply.WriteArrayHeader(2);
        reply.WriteBulk(key);
        reply.WriteBulk(list.Pop(left));
        ElementsRemoved(server, db, who, key, list, left ? "lpop" : "rpop");
    }

    /// <summary>A client blocked in BLPOP/BRPOP (count -1), BLMPOP (count &gt; 0) or BLMOVE/BRPOPLPUSH (a destination).</summary>
    private sealed class ListBlockedRequest(NodeServer server, ClientSession client, Database db, byte[][] keys, bool left, long count, byte[]? destination, bool toLeft)
        : BlockedRequest(client, db, keys)
    {
        public override bool TryServe(Database db, byte[] key)
        {
            if (db.Get(key) is not ListValue { Count: > 0 } list)
            {
                return false;
            }
            if (destination is not null)
            {
                object? target = db.Get(destination);
                if (target is not null and not ListValue)
                {
                    // Redis answers WRONGTYPE and unblocks the client, leaving the source as it was.
                    Reply.WriteError(RespLiterals.WrongType);
                    return true;
                }
                MoveOne(server, db, null, key, list, destination, (ListValue?)target, left, toLeft, Reply);
            }
            else if (count == -1)
            {
                PopOneWithKey(server, db, null, key, list, left, Reply);
            }
            else
            {
                PopRangeWithKey(server, db, null, key, list, left, count, Reply);
            }
            return true;
        }

        // Redis's replyToBlockedClientTimedOut answers a null array for every list wait, BLMOVE's too (inside MULTI
        // BLMOVE answers a null bulk instead: that path is blmoveGenericCommand's own).
        public override void WriteTimeout(RespWriter reply) => reply.WriteNullArray();
    }
}
