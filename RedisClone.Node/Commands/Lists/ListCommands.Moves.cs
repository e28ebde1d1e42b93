using RedisClone.Node.Clients;
using RedisClone.Node.Configuration;
using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;

namespace RedisClone.Node.Commands.Lists;

/// <summary>LPOS, and the commands that pop from one list of several or move elements between lists.</summary>
internal static partial class ListCommands
{
    private static void Position(CommandContext c)
    {
        long rank = 1, count = -1, maxLength = 0;
        for (int i = 3; i < c.Args.Count; i++)
        {
            bool hasValue = i + 1 < c.Args.Count;
            if (hasValue && c.ArgIs(i, "RANK"u8))
            {
                if (!c.TryInteger(++i, out rank))
                {
                    return;
                }
                if (rank == 0)
                {
                    c.Reply.WriteError(RespLiterals.RankCannotBeZero);
                    return;
                }
            }
            else if (hasValue && c.ArgIs(i, "COUNT"u8))
            {
                // Redis answers a count that is not a number as it answers a negative one.
                if (!RespNumber.TryParseInt64(c.Args[++i], out count) || count < 0)
                {
                    c.Reply.WriteError(RespLiterals.CountCannotBeNegative);
                    return;
                }
            }
            else if (hasValue && c.ArgIs(i, "MAXLEN"u8))
            {
                // As with COUNT: a MAXLEN that is not a number is answered as a negative one.
                if (!RespNumber.TryParseInt64(c.Args[++i], out maxLength) || maxLength < 0)
                {
                    c.Reply.WriteError(RespLiterals.MaxlenCannotBeNegative);
                    return;
                }
            }
            else
            {
                c.SyntaxError();
                return;
            }
        }
        if (!c.TryGetCollection(c.Args[1], out _, out ListValue? list))
        {
            return;
        }
        if (list is null)
        {
            if (count >= 0)
            {
                c.Reply.WriteArrayHeader(0);
            }
            else
            {
                c.Reply.WriteNull();
            }
            return;
        }
        bool fromTail = rank < 0;
        if (fromTail)
        {
            // Redis negates the rank in a C long: LONG_MIN stays negative, so every match is at or past it.
            rank = unchecked(-rank);
        }
        ReadOnlySpan<byte> element = c.Args[2];
        ListValue.Position at = fromTail ? list.LastPosition : list.FirstPosition;
        long index = 0, matches = 0;
        List<long>? found = count >= 0 ? [] : null;
        do
        {
            if (maxLength != 0 && index >= maxLength)
            {
                break;
            }
            if (list.ElementAt(at).SequenceEqual(element))
            {
                matches++;
                if (matches >= rank)
                {
                    long reported = fromTail ? list.Count - index - 1 : index;
                    if (found is null)
                    {
                        c.Reply.WriteInteger(reported);
                        return;
                    }
                    found.Add(reported);
                    if (count != 0 && unchecked(matches - rank + 1) >= count)
                    {
                        break;
                    }
                }
            }
            index++;
        }
        while (fromTail ? list.MovePrevious(ref at) : list.MoveNext(ref at));
        if (found is null)
        {
            c.Reply.WriteNull();
            return;
        }
        c.Reply.WriteArrayHeader(found.Count);
        foreach (long position in found)
        {
            c.Reply.WriteInteger(position);
        }
    }

    /// <summary>LEFT or RIGHT, as Redis's getListPositionFromObjectOrReply (a syntax error otherwise).</summary>
    internal static bool TryDirection(CommandContext c, int index, out bool left)
    {
        left = c.ArgIs(index, "LEFT"u8);
        if (left || c.ArgIs(index, "RIGHT"u8))
        {
            return true;
        }
        c.SyntaxError();
        return false;
    }

    private static void Move(CommandContext c)
    {
        if (TryDirection(c, 3, out bool left) && TryDirection(c, 4, out bool toLeft))
        {
            MoveBetween(c, left, toLeft);
        }
    }

    /// <summary>LMOVE and RPOPLPUSH (and BLMOVE when the source has elements).</summary>
    internal static void MoveBetween(CommandContext c, bool left, bool toLeft)
    {
        ReadOnlySpan<byte> sourceKey = c.Args[1];
        if (!c.TryGetCollection(sourceKey, out _, out ListValue? source))
        {
            return;
        }
        if (source is null)
        {
            c.Reply.WriteNull();
            return;
        }
        if (!c.TryGetCollection(c.Args[2], out _, out ListValue? destination))
        {
            return;
        }
        MoveOne(c.Server, c.Db, c.Client, sourceKey, source, c.Args[2], destination, left, toLeft, c.Reply);
    }

    /// <summary>
    /// Pops one element of <paramref name="source"/> and pushes it onto the destination (created when null), with
    /// Redis's events in its order: the push on the destination, then the pop (and "del") on the source.
    /// </summary>
    internal static void MoveOne(NodeServer server, Database db, ClientSession? who, ReadOnlySpan<byte> sourceKey, ListValue source,
        ReadOnlySpan<byte> destinationKey, ListValue? destination, bool left, bool toLeft, RespWriter reply)
    {
        ReadOnlySpan<byte> element = source.Pop(left);
        if (ReferenceEquals(source, destination))
        {
            // Pushing may move the node's bytes the popped span still points into.
            element = element.ToArray();
        }
        bool created = destination is null;
        destination ??= new ListValue(server.Settings.Collections.ListMaxListpackSize);
        if (toLeft)
        {
            destination.PushLeft(element);
        }
        else
        {
            destination.PushRight(element);
        }
        if (created)
        {
            db.Set(destinationKey, destination);
        }
        else
        {
            db.CollectionChanged(destinationKey, destination);
        }
        server.Notify(KeyspaceEventFlags.List, toLeft ? "lpush" : "rpush", db.Index, destinationKey, who);
        reply.WriteBulk(element);
        ElementsRemoved(server, db, who, sourceKey, source, left ? "lpop" : "rpop");
    }

    private static void MultiPop(CommandContext c)
    {
        if (TryParseMultiPop(c, 1, out int keyCount, out bool left, out long count))
        {
            if (!c.TryFirstNonEmpty(2, keyCount, out int keyIndex, out ListValue? list))
            {
                return;
            }
            if (list is null)
            {
                c.Reply.WriteNullArray();
                return;
            }
            PopRangeWithKey(c.Server, c.Db, c.Client, c.Args[keyIndex], list, left, count, c.Reply);
        }
    }

    /// <summary>LMPOP's and BLMPOP's arguments from <paramref name="numKeysIndex"/> on, as Redis's lmpopGenericCommand checks them.</summary>
    internal static bool TryParseMultiPop(CommandContext c, int numKeysIndex, out int keyCount, out bool left, out long count)
    {
        keyCount = 0;
        left = false;
        count = -1;
        if (!RespNumber.TryParseInt64(c.Args[numKeysIndex], out long numKeys) || numKeys < 1)
        {
            c.Reply.WriteError(RespLiterals.NumkeysNotPositive);
            return false;
        }
        if (numKeys >= c.Args.Count - numKeysIndex - 1)
        {
            c.SyntaxError();
            return false;
        }
        keyCount = (int)numKeys;
        int whereIndex = numKeysIndex + keyCount + 1;
        if (!TryDirection(c, whereIndex, out left))
        {
            return false;
        }
        for (int i = whereIndex + 1; i < c.Args.Count; i++)
        {
            if (count == -1 && c.ArgIs(i, "COUNT"u8) && i + 1 < c.Args.Count)
            {
                if (!RespNumber.TryParseInt64(c.Args[++i], out count) || count < 1)
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
        if (count == -1)
        {
            count = 1;
        }
        return true;
    }

    /// <summary>LMPOP's reply: the key and up to <paramref name="count"/> elements popped from it.</summary>
    internal static void PopRangeWithKey(NodeServer server, Database db, ClientSession? who, ReadOnlySpan<byte> key, ListValue list, bool left, long count, RespWriter reply)
    {
        int popped = (int)Math.Min(count, list.Count);
        reply.WriteArrayHeader(2);
        reply.WriteBulk(key);
        reply.WriteArrayHeader(popped);
        for (int i = 0; i < popped; i++)
        {
            reply.WriteBulk(list.Pop(left));
        }
        ElementsRemoved(server, db, who, key, list, left ? "lpop" : "rpop");
    }
}
