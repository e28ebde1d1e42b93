using RedisClone.Node.Clients;
using RedisClone.Node.Configuration;
using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;

namespace RedisClone.Node.Commands.SortedSets;

/// <summary>
/// ZPOPMIN, ZPOPMAX and ZMPOP. <see cref="Pop"/> serves a key on its own, so the blocking forms (BZPOPMIN, BZPOPMAX,
/// BZMPOP) can call it when a key they wait on gets members.
/// </summary>
internal static class SortedSetPopCommands
{
    public static void Register(CommandBindings t)
    {
        t.Add("zpopmin", ZPopMin);
        t.Add("zpopmax", ZPopMax);
        t.Add("zmpop", ZMPop);
    }

    /// <summary>The shapes a pop's reply takes, by command.</summary>
    public enum PopReply
    {
        /// <summary>ZPOPMIN/ZPOPMAX without a count: member, score, ... in one flat array.</summary>
        Flat,
        /// <summary>ZPOPMIN/ZPOPMAX with a count: flat in RESP2, [member, score] pairs in RESP3.</summary>
        PairsInResp3,
        /// <summary>ZMPOP and BZMPOP: [key, [[member, score], ...]].</summary>
        KeyAndPairs,
        /// <summary>BZPOPMIN/BZPOPMAX: [key, member, score].</summary>
        KeyMemberScore,
    }

    /// <summary>
    /// Pops up to <paramref name="count"/> (at least 1) of the lowest (or, when <paramref name="max"/>, highest) elements
    /// of the non-empty set at <paramref name="key"/>, writes the reply in the <paramref name="shape"/> given, fires
    /// zpopmin/zpopmax (and del when the set empties). Written to be called by the blocking pops when a key is served.
    /// </summary>
    public static void Pop(CommandContext c, Database db, ReadOnlySpan<byte> key, SortedSetValue set, long count, bool max, PopReply shape) =>
        Pop(c.Server, c.Reply, c.Client, db, key, set, count, max, shape);

    /// <summary>As above, for a blocked client served after another client's command (<paramref name="who"/> null).</summary>
    internal static void Pop(NodeServer server, RespWriter reply, ClientSession? who, Database db, ReadOnlySpan<byte> key,
        SortedSetValue set, long count, bool max, PopReply shape)
    {
        int n = (int)Math.Min(count, set.Count);
        bool pairs = shape == PopReply.KeyAndPairs || (shape == PopReply.PairsInResp3 && reply.IsResp3);
        switch (shape)
        {
            case PopReply.KeyAndPairs:
                reply.WriteArrayHeader(2);
                reply.WriteBulk(key);
                reply.WriteArrayHeader(n);
                break;
            case PopReply.KeyMemberScore:
                reply.WriteArrayHeader(3);
                reply.WriteBulk(key);
                break;
            default:
                reply.WriteArrayHeader(pairs ? n : n * 2);
                break;
        }
        var writer = new ElementWriter(reply, withScores: true, pairs);
        int start = max ? set.Count - n : 0;
        int end = max ? set.Count - 1 : n - 1;
        set.Visit(start, end, reverse: max, ref writer);
        set.RemoveRange(start, end);
        bool deleted = db.CollectionChanged(key, set);
        server.Notify(KeyspaceEventFlags.ZSet, max ? "zpopmax" : "zpopmin", db.Index, key, who);
        if (deleted)
        {
            server.Notify(KeyspaceEventFlags.Generic, "del", db.Index, key, who);
        }
    }

    private static void ZPopMin(CommandContext c) => PopMinMax(c, max: false);

    private static void ZPopMax(CommandContext c) => PopMinMax(c, max: true);

    private static void PopMinMax(CommandContext c, bool max)
    {
        if (c.Args.Count > 3)
        {
            c.SyntaxError();
            return;
        }
        long count = 1;
        if (c.Args.Count == 3)
        {
            if (!RespNumber.TryParseInt64(c.Args[2], out count) || count < 0)
            {
                c.Reply.WriteError(RespLiterals.ValueNotPositive);
                return;
            }
        }
        if (!c.TryGetCollection(c.Args[1], out _, out SortedSetValue? set))
        {
            return;
        }
        if (set is null || count == 0)
        {
            c.Reply.WriteRaw(RespLiterals.EmptyArray);
            return;
        }
        Pop(c, c.Db, c.Args[1], set, count, max, c.Args.Count == 3 ? PopReply.PairsInResp3 : PopReply.Flat);
    }

    private static void ZMPop(CommandContext c)
    {
        if (!TryParseMultiPop(c, 1, out int keyCount, out bool max, out long count))
        {
            return;
        }
        if (!c.TryFirstNonEmpty(2, keyCount, out int keyIndex, out SortedSetValue? set))
        {
            return;
        }
        if (set is null)
        {
            c.Reply.WriteNullArray();
            return;
        }
        Pop(c, c.Db, c.Args[keyIndex], set, count, max, PopReply.KeyAndPairs);
    }

    /// <summary>ZMPOP's and BZMPOP's "numkeys key... MIN|MAX [COUNT count]" from <paramref name="numKeysIndex"/> on.</summary>
    internal static bool TryParseMultiPop(CommandContext c, int numKeysIndex, out int keyCount, out bool max, out long count)
    {
        keyCount = 0;
        max = false;
        count = -1;
        if (!RespNumber.TryParseInt64(c.Args[numKeysIndex], out long numKeys) || numKeys < 1)
        {
            c.Reply.WriteError(RespLiterals.NumkeysNotPositive);
            return false;
        }
        if (numKeys > c.Args.Count - numKeysIndex - 2)
        {
            c.SyntaxError();
            return false;
        }
        keyCount = (int)numKeys;
        int whereIndex = numKeysIndex + keyCount + 1;
        if (c.ArgIs(whereIndex, "MIN"u8))
        {
            max = false;
        }
        else if (c.ArgIs(whereIndex, "MAX"u8))
        {
            max = true;
        }
        else
        {
            c.SyntaxError();
            return false;
        }
        for (int j = whereIndex + 1; j < c.Args.Count; j++)
        {
            if (count == -1 && c.ArgIs(j, "COUNT"u8) && j + 1 < c.Args.Count)
            {
                j++;
                if (!RespNumber.TryParseInt64(c.Args[j], out count) || count < 1)
                {
                    c.Reply.WriteError(RespLiterals.CountNotPositive);
                    return false;
                }
            }
            else
            {
                c.SyntaxError();
                return false;
            }
        }
        count = Math.Max(count, 1);
        return true;
    }
}
