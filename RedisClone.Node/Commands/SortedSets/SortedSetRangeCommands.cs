using RedisClone.Node.Configuration;
using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;

namespace RedisClone.Node.Commands.SortedSets;

/// <summary>Sorted-set ranges: ZRANGE and its older forms, ZRANGESTORE, ZCOUNT, ZLEXCOUNT and the ZREMRANGEBY commands.</summary>
internal static class SortedSetRangeCommands
{
    public static void Register(CommandBindings t)
    {
        t.Add("zcount", ZCount);
        t.Add("zlexcount", ZLexCount);
        t.Add("zrange", ZRange);
        t.Add("zrangestore", ZRangeStore);
        t.Add("zrevrange", ZRevRange);
        t.Add("zrangebyscore", ZRangeByScore);
        t.Add("zrevrangebyscore", ZRevRangeByScore);
        t.Add("zrangebylex", ZRangeByLex);
        t.Add("zrevrangebylex", ZRevRangeByLex);
        t.Add("zremrangebyrank", ZRemRangeByRank);
        t.Add("zremrangebyscore", ZRemRangeByScore);
        t.Add("zremrangebylex", ZRemRangeByLex);
    }

    private enum RangeType
    {
        Auto,
        Rank,
        Score,
        Lex,
    }

    private enum Direction
    {
        Auto,
        Forward,
        Reverse,
    }

    private static void ZRange(CommandContext c) => RangeGeneric(c, 1, store: false, RangeType.Auto, Direction.Auto);

    private static void ZRangeStore(CommandContext c) => RangeGeneric(c, 2, store: true, RangeType.Auto, Direction.Auto);

    private static void ZRevRange(CommandContext c) => RangeGeneric(c, 1, store: false, RangeType.Rank, Direction.Reverse);

    private static void ZRangeByScore(CommandContext c) => RangeGeneric(c, 1, store: false, RangeType.Score, Direction.Forward);

    private static void ZRevRangeByScore(CommandContext c) => RangeGeneric(c, 1, store: false, RangeType.Score, Direction.Reverse);

    private static void ZRangeByLex(CommandContext c) => RangeGeneric(c, 1, store: false, RangeType.Lex, Direction.Forward);

    private static void ZRevRangeByLex(CommandContext c) => RangeGeneric(c, 1, store: false, RangeType.Lex, Direction.Reverse);

    /// <summary>Redis's zrangeGenericCommand: options, then the range's syntax, then the key.</summary>
    private static void RangeGeneric(CommandContext c, int keyIndex, bool store, RangeType type, Direction direction)
    {
        int minIndex = keyIndex + 1;
        int maxIndex = keyIndex + 2;
        bool withScores = false;
        long offset = 0;
        long limit = -1;
        for (int j = keyIndex + 3; j < c.Args.Count; j++)
        {
            int left = c.Args.Count - j - 1;
            if (!store && c.ArgIs(j, "WITHSCORES"u8))
            {
                withScores = true;
            }
            else if (c.ArgIs(j, "LIMIT"u8) && left >= 2)
            {
                if (!c.TryInteger(j + 1, out offset) || !c.TryInteger(j + 2, out limit))
                {
                    return;
                }
                j += 2;
            }
            else if (direction == Direction.Auto && c.ArgIs(j, "REV"u8))
            {
                direction = Direction.Reverse;
            }
            else if (type == RangeType.Auto && c.ArgIs(j, "BYLEX"u8))
            {
                type = RangeType.Lex;
            }
            else if (type == RangeType.Auto && c.ArgIs(j, "BYSCORE"u8))
            {
                type = RangeType.Score;
            }
            else
            {
                c.SyntaxError();
                return;
            }
        }
        if (direction == Direction.Auto)
        {
            direction = Direction.Forward;
        }
        if (type == RangeType.Auto)
        {
            type = RangeType.Rank;
        }
        if (limit != -1 && type == RangeType.Rank)
        {
            c.Reply.WriteError(RespLiterals.LimitNeedsByScoreOrByLex);
            return;
        }
        if (withScores && type == RangeType.Lex)
        {
            c.Reply.WriteError(RespLiterals.WithScoresWithByLex);
            return;
        }
        bool reverse = direction == Direction.Reverse;
        if (reverse && type != RangeType.Rank)
        {
            (minIndex, maxIndex) = (maxIndex, minIndex);
        }
        long rankStart = 0;
        long rankEnd = 0;
        SortedSetSyntax.ScoreRange scores = default;
        SortedSetSyntax.LexEnd lexMin = default;
        SortedSetSyntax.LexEnd lexMax = default;
        switch (type)
        {
            case RangeType.Rank:
                if (!c.TryInteger(minIndex, out rankStart) || !c.TryInteger(maxIndex, out rankEnd))
                {
                    return;
                }
                break;
            case RangeType.Score:
                if (!SortedSetSyntax.TryParseScoreRange(c.Args[minIndex], c.Args[maxIndex], out scores))
                {
                    c.Reply.WriteError(SortedSetSyntax.RangeNotFloat);
                    return;
                }
                break;
            default:
                if (!SortedSetSyntax.TryParseLexEnd(c.Args[minIndex], out lexMin) || !SortedSetSyntax.TryParseLexEnd(c.Args[maxIndex], out lexMax))
                {
                    c.Reply.WriteError(SortedSetSyntax.RangeNotLex);
                    return;
                }
                break;
        }
        if (!c.TryGetCollection(c.Args[keyIndex], out _, out SortedSetValue? set))
        {
            return;
        }
        int first = 0;
        int last = -1;
        if (set is not null)
        {
            (first, last) = type switch
            {
                RangeType.Rank => ClampRanks(rankStart, rankEnd, set.Count, reverse),
                RangeType.Score => Limit(SortedSetSyntax.RanksOf(set, scores), offset, limit, reverse),
                _ => Limit(SortedSetSyntax.RanksOf(set, lexMin, lexMax), offset, limit, reverse),
            };
        }
        int count = last - first + 1;
        if (store)
        {
            StoreRange(c, set, first, last, lengthKnown: type == RangeType.Rank, reverse);
            return;
        }
        if (set is null || count <= 0)
        {
            c.Reply.WriteRaw(RespLiterals.EmptyArray);
            return;
        }
        bool pairs = withScores && c.Reply.IsResp3;
        c.Reply.WriteArrayHeader(withScores && !pairs ? count * 2 : count);
        var writer = new ElementWriter(c.Reply, withScores, pairs);
        set.Visit(first, last, reverse, ref writer);
    }

    /// <summary>Rank arguments to valid ascending ranks [first, last] (empty when last &lt; first); ranks count from the top when reversed.</summary>
    private static (int First, int Last) ClampRanks(long start, long end, int length, bool reverse)
    {
        if (!IndexRange.TryClamp(start, end, length, out long first, out long last))
        {
            return (0, -1);
        }
        return reverse ? ((int)(length - 1 - last), (int)(length - 1 - first)) : ((int)first, (int)last);
    }

    /// <summary>LIMIT applied to ranks [start, end): the offset counts from the range's start in the walk's direction; a negative offset empties it, a negative count means all.</summary>
    private static (int First, int Last) Limit((int Start, int End) range, long offset, long limit, bool reverse)
    {
        long available = range.End - range.Start;
        if (offset < 0 || offset >= available || limit == 0)
        {
            return (0, -1);
        }
        long take = available - offset;
        if (limit > 0 && limit < take)
        {
            take = limit;
        }
        return reverse
            ? ((int)(range.End - offset - take), (int)(range.End - offset - 1))
            : ((int)(range.Start + offset), (int)(range.Start + offset + take - 1));
    }

    /// <summary>
    /// ZRANGESTORE's result: the range as a new set at the destination (its old value replaced), or the destination
    /// deleted when empty. The encoding follows Redis, as a -0 score shows: a listpack turns -0 into 0, a skiplist keeps
    /// it. A rank range's length is known, so a long one starts as a skiplist; a score or lex range starts as a listpack
    /// filled in the range's order, which converts when it outgrows the limits.
    /// </summary>
    private static void StoreRange(CommandContext c, SortedSetValue? source, int first, int last, bool lengthKnown, bool reverse)
    {
        ReadOnlySpan<byte> destination = c.Args[1];
        int count = source is null ? 0 : last - first + 1;
        if (count <= 0)
        {
            if (c.Db.Delete(destination))
            {
                c.Notify(KeyspaceEventFlags.Generic, "del", destination);
            }
            c.Reply.WriteRaw(RespLiterals.Zero);
            return;
        }
        CollectionLimits limits = c.Server.Settings.Collections;
        var builder = new SortedSetBuilder(SortedSetValue.CreateFor(lengthKnown ? count : 0, 0, limits), limits);
        source!.Visit(first, last, reverse: !lengthKnown && reverse, ref builder);
        c.Db.Set(destination, builder.Set);
        c.Notify(KeyspaceEventFlags.ZSet, "zrangestore", destination);
        c.Reply.WriteInteger(count);
    }

    private static void ZCount(CommandContext c)
    {
        if (!SortedSetSyntax.TryParseScoreRange(c.Args[2], c.Args[3], out SortedSetSyntax.ScoreRange range))
        {
            c.Reply.WriteError(SortedSetSyntax.RangeNotFloat);
            return;
        }
        if (c.TryGetCollection(c.Args[1], out _, out SortedSetValue? set))
        {
            (int start, int end) = set is null ? (0, 0) : SortedSetSyntax.RanksOf(set, range);
            c.Reply.WriteInteger(end - start);
        }
    }

    private static void ZLexCount(CommandContext c)
    {
        if (!SortedSetSyntax.TryParseLexEnd(c.Args[2], out SortedSetSyntax.LexEnd min) || !SortedSetSyntax.TryParseLexEnd(c.Args[3], out SortedSetSyntax.LexEnd max))
        {
            c.Reply.WriteError(SortedSetSyntax.RangeNotLex);
            return;
        }
        if (c.TryGetCollection(c.Args[1], out _, out SortedSetValue? set))
        {
            (int start, int end) = set is null ? (0, 0) : SortedSetSyntax.RanksOf(set, min, max);
            c.Reply.WriteInteger(end - start);
        }
    }

    private static void ZRemRangeByRank(CommandContext c) => RemoveRangeGeneric(c, RangeType.Rank, "zremrangebyrank");

    private static void ZRemRangeByScore(CommandContext c) => RemoveRangeGeneric(c, RangeType.Score, "zremrangebyscore");

    private static void ZRemRangeByLex(CommandContext c) => RemoveRangeGeneric(c, RangeType.Lex, "zremrangebylex");

    /// <summary>Redis's zremrangeGenericCommand: the range's syntax first, then the key.</summary>
    private static void RemoveRangeGeneric(CommandContext c, RangeType type, string eventName)
    {
        long rankStart = 0;
        long rankEnd = 0;
        SortedSetSyntax.ScoreRange scores = default;
        SortedSetSyntax.LexEnd lexMin = default;
        SortedSetSyntax.LexEnd lexMax = default;
        switch (type)
        {
            case RangeType.Rank:
                if (!c.TryInteger(2, out rankStart) || !c.TryInteger(3, out rankEnd))
                {
                    return;
                }
                break;
            case RangeType.Score:
                if (!SortedSetSyntax.TryParseScoreRange(c.Args[2], c.Args[3], out scores))
                {
                    c.Reply.WriteError(SortedSetSyntax.RangeNotFloat);
                    return;
                }
                break;
            default:
                if (!SortedSetSyntax.TryParseLexEnd(c.Args[2], out lexMin) || !SortedSetSyntax.TryParseLexEnd(c.Args[3], out lexMax))
                {
                    c.Reply.WriteError(SortedSetSyntax.RangeNotLex);
                    return;
                }
                break;
        }
        ReadOnlySpan<byte> key = c.Args[1];
        if (!c.TryGetCollection(key, out _, out SortedSetValue? set))
        {
            return;
        }
        if (set is null)
        {
            c.Reply.WriteRaw(RespLiterals.Zero);
            return;
        }
        (int first, int last) = type switch
        {
            RangeType.Rank => ClampRanks(rankStart, rankEnd, set.Count, reverse: false),
            RangeType.Score => Inclusive(SortedSetSyntax.RanksOf(set, scores)),
            _ => Inclusive(SortedSetSyntax.RanksOf(set, lexMin, lexMax)),
        };
        int removed = Math.Max(0, last - first + 1);
        if (removed > 0)
        {
            set.RemoveRange(first, last);
            bool deleted = c.Db.CollectionChanged(key, set);
            c.Notify(KeyspaceEventFlags.ZSet, eventName, key);
            if (deleted)
            {
                c.Notify(KeyspaceEventFlags.Generic, "del", key);
            }
        }
        c.Reply.WriteInteger(removed);
    }

    private static (int First, int Last) Inclusive((int Start, int End) range) => (range.Start, range.End - 1);
}

/// <summary>Adds visited elements to a new set (a store command's result), converting its encoding as the limits say.</summary>
internal struct SortedSetBuilder(SortedSetValue set, CollectionLimits limits) : IElementVisitor
{
    public readonly SortedSetValue Set => set;

    public readonly void Visit(ReadOnlySpan<byte> member, double score) => set.Add(member, score, limits);
}
