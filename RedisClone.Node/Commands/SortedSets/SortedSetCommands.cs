using RedisClone.Node.Commands.Keys;
using RedisClone.Node.Configuration;
using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;
using RedisClone.Node.Util;

namespace RedisClone.Node.Commands.SortedSets;

/// <summary>
/// The sorted-set family: ZADD, ZINCRBY, ZREM, member lookups, ZRANDMEMBER and ZSCAN here; pops in
/// <see cref="SortedSetPopCommands"/>, ranges in <see cref="SortedSetRangeCommands"/>, union/intersection/difference
/// in <see cref="SortedSetAlgebraCommands"/>.
/// </summary>
internal static class SortedSetCommands
{
    public static void Register(CommandBindings t)
    {
        t.Add("zadd", ZAdd);
        t.Add("zincrby", ZIncrBy);
        t.Add("zrem", ZRem);
        t.Add("zcard", ZCard);
        t.Add("zscore", ZScore);
        t.Add("zmscore", ZMScore);
        t.Add("zrank", ZRank);
        t.Add("zrevrank", ZRevRank);
        t.Add("zrandmember", ZRandMember);
        t.Add("zscan", ZScan);
        SortedSetPopCommands.Register(t);
        SortedSetRangeCommands.Register(t);
        SortedSetAlgebraCommands.Register(t);
        SortedSetBlockingCommands.Register(t);
    }

    [Flags]
    private enum AddFlags
    {
        None = 0,
        Nx = 1,
        Xx = 2,
        Gt = 4,
        Lt = 8,
        Ch = 16,
        Incr = 32,
    }

    private static void ZAdd(CommandContext c)
    {
        int scoreIndex = 2;
        AddFlags flags = AddFlags.None;
        for (; scoreIndex < c.Args.Count; scoreIndex++)
        {
            AddFlags flag = AddFlagOf(c.Args[scoreIndex]);
            if (flag == AddFlags.None)
            {
                break;
            }
            flags |= flag;
        }
        int elements = c.Args.Count - scoreIndex;
        if (elements == 0 || elements % 2 != 0)
        {
            c.SyntaxError();
            return;
        }
        AddGeneric(c, flags, scoreIndex, elements / 2);
    }

    private static AddFlags AddFlagOf(ReadOnlySpan<byte> a) =>
        Is(a, "NX"u8) ? AddFlags.Nx : Is(a, "XX"u8) ? AddFlags.Xx : Is(a, "GT"u8) ? AddFlags.Gt : Is(a, "LT"u8) ? AddFlags.Lt
        : Is(a, "CH"u8) ? AddFlags.Ch : Is(a, "INCR"u8) ? AddFlags.Incr : AddFlags.None;

    private static bool Is(ReadOnlySpan<byte> arg, ReadOnlySpan<byte> token) => System.Text.Ascii.EqualsIgnoreCase(arg, token);

    private static void ZIncrBy(CommandContext c) => AddGeneric(c, AddFlags.Incr, 2, 1);

    /// <summary>Redis's zaddGenericCommand: options checked, every score parsed, then the elements applied in order.</summary>
    private static void AddGeneric(CommandContext c, AddFlags flags, int scoreIndex, int elements)
    {
        bool nx = flags.HasFlag(AddFlags.Nx);
        bool xx = flags.HasFlag(AddFlags.Xx);
        bool gt = flags.HasFlag(AddFlags.Gt);
        bool lt = flags.HasFlag(AddFlags.Lt);
        bool incr = flags.HasFlag(AddFlags.Incr);
        if (nx && xx)
        {
            c.Reply.WriteError(RespLiterals.XxAndNxIncompatible);
            return;
        }
        if ((gt && nx) || (lt && nx) || (gt && lt))
        {
            c.Reply.WriteError(RespLiterals.GtLtAndNxIncompatible);
            return;
        }
        if (incr && elements > 1)
        {
            c.Reply.WriteError(RespLiterals.IncrSinglePairOnly);
            return;
        }
        double[]? rented = elements > 32 ? System.Buffers.ArrayPool<double>.Shared.Rent(elements) : null;
        Span<double> scores = rented ?? stackalloc double[elements];
        try
        {
            for (int j = 0; j < elements; j++)
            {
                if (!SortedSetSyntax.TryParseScore(c.Args[scoreIndex + (j * 2)], out scores[j]))
                {
                    c.Reply.WriteError(SortedSetSyntax.NotFloat);
                    return;
                }
            }
            Apply(c, flags, scoreIndex, scores[..elements]);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<double>.Shared.Return(rented);
            }
        }
    }

    private static void Apply(CommandContext c, AddFlags flags, int scoreIndex, ReadOnlySpan<double> scores)
    {
        ReadOnlySpan<byte> key = c.Args[1];
        bool incr = flags.HasFlag(AddFlags.Incr);
        if (!c.TryGetCollection(key, out _, out SortedSetValue? set))
        {
            return;
        }
        int added = 0;
        int updated = 0;
        int processed = 0;
        double lastScore = 0;
        CollectionLimits limits = c.Server.Settings.Collections;
        if (set is null)
        {
            if (flags.HasFlag(AddFlags.Xx))
            {
                WriteAddReply(c, incr, flags, 0, 0, 0, 0);
                return;
            }
            // As Redis 7.0: the new set is packed unless packing is off or the first member is already too long.
            set = SortedSetValue.CreateFor(1, c.Args[scoreIndex + 1].Length, limits);
            c.Db.Set(key, set);
        }
        bool failed = false;
        for (int j = 0; j < scores.Length; j++)
        {
            ReadOnlySpan<byte> member = c.Args[scoreIndex + 1 + (j * 2)];
            double score = scores[j];
            if (set.TryGetScore(member, out double current))
            {
                if (flags.HasFlag(AddFlags.Nx))
                {
                    continue;
                }
                if (incr)
                {
                    score += current;
                    if (double.IsNaN(score))
                    {
                        failed = true;
                        break;
                    }
                }
                if ((flags.HasFlag(AddFlags.Lt) && score >= current) || (flags.HasFlag(AddFlags.Gt) && score <= current))
                {
                    continue;
                }
                processed++;
                lastScore = score;
                if (score != current)
                {
                    set.UpdateScore(member, current, score);
                    updated++;
                }
            }
            else if (!flags.HasFlag(AddFlags.Xx))
            {
                set.Add(member, score, limits);
                added++;
                processed++;
                lastScore = score;
            }
        }
        if (failed)
        {
            c.Reply.WriteError(SortedSetSyntax.ResultIsNaN);
        }
        else
        {
            WriteAddReply(c, incr, flags, added, updated, processed, lastScore);
        }
        if (set.Count == 0)
        {
            // Created for members that were all refused (an INCR that made NaN): Redis keeps no empty key.
            c.Db.Delete(key);
        }
        else if (added > 0 || updated > 0)
        {
            c.Db.CollectionChanged(key, set);
            c.Notify(KeyspaceEventFlags.ZSet, incr ? "zincr" : "zadd", key);
        }
    }

    private static void WriteAddReply(CommandContext c, bool incr, AddFlags flags, int added, int updated, int processed, double score)
    {
        if (incr)
        {
            if (processed > 0)
            {
                SortedSetSyntax.WriteScore(c.Reply, score);
            }
            else
            {
                c.Reply.WriteNull();
            }
            return;
        }
        c.Reply.WriteInteger(flags.HasFlag(AddFlags.Ch) ? added + updated : added);
    }

    private static void ZRem(CommandContext c)
    {
        ReadOnlySpan<byte> key = c.Args[1];
        if (!c.TryGetCollection(key, out _, out SortedSetValue? set))
        {
            return;
        }
        int removed = 0;
        if (set is not null)
        {
            for (int i = 2; i < c.Args.Count && set.Count > 0; i++)
            {
                if (set.Remove(c.Args[i]))
                {
                    removed++;
                }
            }
            if (removed > 0)
            {
                bool deleted = c.Db.CollectionChanged(key, set);
                c.Notify(KeyspaceEventFlags.ZSet, "zrem", key);
                if (deleted)
                {
                    c.Notify(KeyspaceEventFlags.Generic, "del", key);
                }
            }
        }
        c.Reply.WriteInteger(removed);
    }

    private static void ZCard(CommandContext c)
    {
        if (c.TryGetCollection(c.Args[1], out _, out SortedSetValue? set))
        {
            c.Reply.WriteInteger(set?.Count ?? 0);
        }
    }

    private static void ZScore(CommandContext c)
    {
        if (!c.TryGetCollection(c.Args[1], out _, out SortedSetValue? set))
        {
            return;
        }
        if (set is not null && set.TryGetScore(c.Args[2], out double score))
        {
            SortedSetSyntax.WriteScore(c.Reply, score);
        }
        else
        {
            c.Reply.WriteNull();
        }
    }

    private static void ZMScore(CommandContext c)
    {
        if (!c.TryGetCollection(c.Args[1], out _, out SortedSetValue? set))
        {
            return;
        }
        c.Reply.WriteArrayHeader(c.Args.Count - 2);
        for (int i = 2; i < c.Args.Count; i++)
        {
            if (set is not null && set.TryGetScore(c.Args[i], out double score))
            {
                SortedSetSyntax.WriteScore(c.Reply, score);
            }
            else
            {
                c.Reply.WriteNull();
            }
        }
    }

    private static void ZRank(CommandContext c) => RankGeneric(c, reverse: false);

    private static void ZRevRank(CommandContext c) => RankGeneric(c, reverse: true);

    private static void RankGeneric(CommandContext c, bool reverse)
    {
        if (!c.TryGetCollection(c.Args[1], out _, out SortedSetValue? set))
        {
            return;
        }
        int rank = set?.Rank(c.Args[2], out _) ?? -1;
        if (rank < 0)
        {
            c.Reply.WriteNull();
            return;
        }
        c.Reply.WriteInteger(reverse ? set!.Count - 1 - rank : rank);
    }

    private static void ZRandMember(CommandContext c)
    {
        if (c.Args.Count == 2)
        {
            if (!c.TryGetCollection(c.Args[1], out _, out SortedSetValue? one))
            {
                return;
            }
            if (one is null)
            {
                c.Reply.WriteNull();
                return;
            }
            int rank = Random.Shared.Next(one.Count);
            var writer = new ElementWriter(c.Reply, withScores: false, pairs: false);
            one.Visit(rank, rank, reverse: false, ref writer);
            return;
        }
        bool withScores = c.Args.Count == 4;
        // Redis reads the count before it looks at the rest: a bad count wins over a syntax error.
        if (!RespNumber.TryParseInt64(c.Args[2], out long count))
        {
            c.Reply.WriteError(RespLiterals.NotInteger);
            return;
        }
        if (count == long.MinValue)
        {
            c.Reply.WriteError(RespLiterals.ValueOutOfInt64Range);
            return;
        }
        if (c.Args.Count > 4 || (withScores && !c.ArgIs(3, "WITHSCORES"u8)))
        {
            c.SyntaxError();
            return;
        }
        if (withScores && (count < -long.MaxValue / 2 || count > long.MaxValue / 2))
        {
            c.Reply.WriteError(RespLiterals.ValueOutOfRange);
            return;
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
        bool pairs = withScores && c.Reply.IsResp3;
        var elementWriter = new ElementWriter(c.Reply, withScores, pairs);
        if (count < 0)
        {
            // Repetitions allowed: each pick is independent.
            long picks = -count;
            if (picks > int.MaxValue / 2)
            {
                c.Reply.WriteError(RespLiterals.ValueOutOfRange);
                return;
            }
            c.Reply.WriteArrayHeader(withScores && !pairs ? (int)picks * 2 : (int)picks);
            for (long i = 0; i < picks; i++)
            {
                int rank = Random.Shared.Next(set.Count);
                set.Visit(rank, rank, reverse: false, ref elementWriter);
            }
            return;
        }
        int n = (int)Math.Min(count, set.Count);
        c.Reply.WriteArrayHeader(withScores && !pairs ? n * 2 : n);
        if (n == set.Count)
        {
            // The whole set, highest first: the order Redis 7.0 answers in.
            set.Visit(0, n - 1, reverse: true, ref elementWriter);
            return;
        }
        if (n * 3L <= set.Count)
        {
            // Few distinct picks from a big set: draw ranks until enough differ (memory bounded by the reply).
            var picked = new HashSet<int>(n);
            while (picked.Count < n)
            {
                int rank = Random.Shared.Next(set.Count);
                if (picked.Add(rank))
                {
                    set.Visit(rank, rank, reverse: false, ref elementWriter);
                }
            }
            return;
        }
        // Most of the set: a partial Fisher-Yates shuffle of its ranks (at most three times the reply's size).
        int[] ranks = new int[set.Count];
        for (int i = 0; i < ranks.Length; i++)
        {
            ranks[i] = i;
        }
        for (int i = 0; i < n; i++)
        {
            int j = Random.Shared.Next(i, ranks.Length);
            (ranks[i], ranks[j]) = (ranks[j], ranks[i]);
            set.Visit(ranks[i], ranks[i], reverse: false, ref elementWriter);
        }
    }

    private static void ZScan(CommandContext c)
    {
        if (!CollectionScan.TryStart(c, out ulong cursor, out SortedSetValue? set, out byte[]? pattern, out int count))
        {
            return;
        }
        var collector = new ScanCollector(pattern, set.IsPacked);
        long next = 0;
        if (set.IsPacked)
        {
            // Like Redis's listpack: everything in one call, cursor 0.
            set.Visit(0, set.Count - 1, reverse: false, ref collector);
        }
        else if (cursor < long.MaxValue)
        {
            next = set.ScanSlots((long)cursor, count, ref collector);
        }
        c.Reply.WriteArrayHeader(2);
        c.Reply.WriteBulk(next);
        c.Reply.WriteArrayHeader(collector.Items.Count);
        foreach (byte[] item in collector.Items)
        {
            c.Reply.WriteBulk(item);
        }
    }

    /// <summary>
    /// ZSCAN's members and scores that pass the MATCH pattern. Scores are strings in both protocols, as Redis keeps
    /// them: a listpack holds an integral score as an integer, so it prints as one; otherwise "%.17g".
    /// </summary>
    private struct ScanCollector(byte[]? pattern, bool packed) : IElementVisitor
    {
        public readonly List<byte[]> Items = [];

        public readonly void Visit(ReadOnlySpan<byte> member, double score)
        {
            if (pattern is not null && !GlobMatcher.IsMatch(pattern, member))
            {
                return;
            }
            Items.Add(member.ToArray());
            Span<byte> text = stackalloc byte[32];
            if (packed && score == Math.Floor(score) && score >= -9223372036854775808.0 && score < 9223372036854775808.0)
            {
                Items.Add(text[..RespNumber.Format((long)score, text)].ToArray());
                return;
            }
            Items.Add(text[..SortedSetSyntax.FormatScore(score, text)].ToArray());
        }
    }
}

/// <summary>Writes visited elements as a reply: member, and its score when asked, as a [member, score] pair when <c>pairs</c>.</summary>
internal readonly struct ElementWriter(RespWriter reply, bool withScores, bool pairs) : IElementVisitor
{
    public void Visit(ReadOnlySpan<byte> member, double score)
    {
        if (pairs)
        {
            reply.WriteArrayHeader(2);
        }
        reply.WriteBulk(member);
        if (withScores)
        {
            SortedSetSyntax.WriteScore(reply, score);
        }
    }
}
