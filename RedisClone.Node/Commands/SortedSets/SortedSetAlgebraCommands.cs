using RedisClone.Node.Configuration;
using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;

namespace RedisClone.Node.Commands.SortedSets;

/// <summary>ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD: sorted sets (and plain sets, scoring 1) combined.</summary>
internal static class SortedSetAlgebraCommands
{
    public static void Register(CommandBindings t)
    {
        t.Add("zunion", ZUnion);
        t.Add("zinter", ZInter);
        t.Add("zdiff", ZDiff);
        t.Add("zunionstore", ZUnionStore);
        t.Add("zinterstore", ZInterStore);
        t.Add("zdiffstore", ZDiffStore);
        t.Add("zintercard", ZInterCard);
    }

    private enum Operation
    {
        Union,
        Inter,
        Diff,
    }

    private enum Aggregate
    {
        Sum,
        Min,
        Max,
    }

    private static void ZUnion(CommandContext c) => Generic(c, null, 1, Operation.Union, cardinalityOnly: false);

    private static void ZInter(CommandContext c) => Generic(c, null, 1, Operation.Inter, cardinalityOnly: false);

    private static void ZDiff(CommandContext c) => Generic(c, null, 1, Operation.Diff, cardinalityOnly: false);

    private static void ZUnionStore(CommandContext c) => Generic(c, c.Args.ToArray(1), 2, Operation.Union, cardinalityOnly: false);

    private static void ZInterStore(CommandContext c) => Generic(c, c.Args.ToArray(1), 2, Operation.Inter, cardinalityOnly: false);

    private static void ZDiffStore(CommandContext c) => Generic(c, c.Args.ToArray(1), 2, Operation.Diff, cardinalityOnly: false);

    private static void ZInterCard(CommandContext c) => Generic(c, null, 1, Operation.Inter, cardinalityOnly: true);

    /// <summary>One input: a sorted set, a plain set (every member scoring 1), or nothing (a missing key).</summary>
    private sealed class Source(CollectionValue? value, double weight)
    {
        public CollectionValue? Value { get; } = value;
        public double Weight { get; set; } = weight;

        public int Count => Value switch
        {
            SortedSetValue z => z.Count,
            IMemberSet s => s.Count,
            _ => 0,
        };

        public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
        {
            switch (Value)
            {
                case SortedSetValue z:
                    return z.TryGetScore(member, out score);
                case IMemberSet s:
                    score = 1;
                    return s.Contains(member);
                default:
                    score = 0;
                    return false;
            }
        }

        public List<(byte[] Member, double Score)> Elements()
        {
            var list = new List<(byte[], double)>(Count);
            switch (Value)
            {
                case SortedSetValue z when z.Count > 0:
                    var collector = new ElementCollector(list);
                    z.Visit(0, z.Count - 1, reverse: false, ref collector);
                    break;
                case IMemberSet s:
                    foreach (byte[] member in s.Members)
                    {
                        list.Add((member, 1));
                    }
                    break;
            }
            return list;
        }
    }

    private readonly struct ElementCollector(List<(byte[] Member, double Score)> list) : IElementVisitor
    {
        public void Visit(ReadOnlySpan<byte> member, double score) => list.Add((member.ToArray(), score));
    }

    /// <summary>Redis's zunionInterDiffGenericCommand: numkeys, the keys (types checked as read), then the options.</summary>
    private static void Generic(CommandContext c, byte[]? destination, int numKeysIndex, Operation op, bool cardinalityOnly)
    {
        if (!c.TryInteger(numKeysIndex, out long setCount))
        {
            return;
        }
        if (setCount < 1)
        {
            c.Reply.WriteError($"ERR at least 1 input key is needed for '{c.Command.FullName}' command");
            return;
        }
        if (setCount > c.Args.Count - (numKeysIndex + 1))
        {
            c.SyntaxError();
            return;
        }
        var sources = new Source[setCount];
        int j = numKeysIndex + 1;
        for (int i = 0; i < setCount; i++, j++)
        {
            int slot = c.Db.Lookup(c.Args[j]);
            object? stored = slot < 0 ? null : c.Db.ValueAt(slot);
            if (stored is not null and not SortedSetValue and not IMemberSet)
            {
                c.Reply.WriteError(RespLiterals.WrongType);
                return;
            }
            if (stored is null)
            {
                c.Keyspace.Stats.KeyspaceMisses++;
            }
            else
            {
                c.Keyspace.Stats.KeyspaceHits++;
            }
            sources[i] = new Source(stored as CollectionValue, 1);
        }
        Aggregate aggregate = Aggregate.Sum;
        bool withScores = false;
        long limit = 0;
        while (j < c.Args.Count)
        {
            int remaining = c.Args.Count - j;
            if (op != Operation.Diff && !cardinalityOnly && remaining >= setCount + 1 && c.ArgIs(j, "WEIGHTS"u8))
            {
                j++;
                for (int i = 0; i < setCount; i++, j++)
                {
                    if (!SortedSetSyntax.TryParseScore(c.Args[j], out double weight))
                    {
                        c.Reply.WriteError(RespLiterals.WeightNotFloat);
                        return;
                    }
                    sources[i].Weight = weight;
                }
            }
            else if (op != Operation.Diff && !cardinalityOnly && remaining >= 2 && c.ArgIs(j, "AGGREGATE"u8))
            {
                j++;
                if (c.ArgIs(j, "SUM"u8))
                {
                    aggregate = Aggregate.Sum;
                }
                else if (c.ArgIs(j, "MIN"u8))
                {
                    aggregate = Aggregate.Min;
                }
                else if (c.ArgIs(j, "MAX"u8))
                {
                    aggregate = Aggregate.Max;
                }
                else
                {
                    c.SyntaxError();
                    return;
                }
                j++;
            }
            else if (destination is null && !cardinalityOnly && c.ArgIs(j, "WITHSCORES"u8))
            {
                j++;
                withScores = true;
            }
            else if (cardinalityOnly && remaining >= 2 && c.ArgIs(j, "LIMIT"u8))
            {
                j++;
                if (!RespNumber.TryParseInt64(c.Args[j], out limit) || limit < 0)
                {
                    c.Reply.WriteError(RespLiterals.LimitCannotBeNegative);
                    return;
                }
                j++;
            }
            else
            {
                c.SyntaxError();
                return;
            }
        }
        if (cardinalityOnly)
        {
            c.Reply.WriteInteger(InterCard(sources, limit));
            return;
        }
        List<(byte[] Member, double Score)> result = op switch
        {
            Operation.Union => Union(sources, aggregate),
            Operation.Inter => Inter(sources, aggregate),
            _ => Diff(sources),
        };
        result.Sort(static (a, b) => a.Score < b.Score ? -1 : a.Score > b.Score ? 1 : a.Member.AsSpan().SequenceCompareTo(b.Member));
        if (destination is not null)
        {
            Store(c, destination, op, result);
            return;
        }
        bool pairs = withScores && c.Reply.IsResp3;
        c.Reply.WriteArrayHeader(withScores && !pairs ? result.Count * 2 : result.Count);
        var writer = new ElementWriter(c.Reply, withScores, pairs);
        foreach ((byte[] member, double score) in result)
        {
            writer.Visit(member, score);
        }
    }

    private static void Store(CommandContext c, byte[] destination, Operation op, List<(byte[] Member, double Score)> result)
    {
        if (result.Count == 0)
        {
            if (c.Db.Delete(destination))
            {
                c.Notify(KeyspaceEventFlags.Generic, "del", destination);
            }
            c.Reply.WriteRaw(RespLiterals.Zero);
            return;
        }
        // Redis builds the result as a skiplist and packs it only when it is small enough, so a big result keeps its -0
        // scores from the first element on.
        CollectionLimits limits = c.Server.Settings.Collections;
        int longest = 0;
        foreach ((byte[] member, _) in result)
        {
            longest = Math.Max(longest, member.Length);
        }
        var builder = new SortedSetBuilder(SortedSetValue.CreateFor(result.Count, longest, limits), limits);
        foreach ((byte[] member, double score) in result)
        {
            builder.Visit(member, score);
        }
        c.Db.Set(destination, builder.Set);
        c.Notify(KeyspaceEventFlags.ZSet, op switch { Operation.Union => "zunionstore", Operation.Inter => "zinterstore", _ => "zdiffstore" }, destination);
        c.Reply.WriteInteger(result.Count);
    }

    /// <summary>Redis's zunionInterAggregate: a sum of +inf and -inf is taken as 0.</summary>
    private static double Combine(double target, double value, Aggregate aggregate)
    {
        switch (aggregate)
        {
            case Aggregate.Sum:
                double sum = target + value;
                return double.IsNaN(sum) ? 0 : sum;
            case Aggregate.Min:
                return value < target ? value : target;
            default:
                return value > target ? value : target;
        }
    }

    private static double Weighted(double weight, double score)
    {
        double value = weight * score;
        return double.IsNaN(value) ? 0 : value;
    }

    /// <summary>Smallest input first, as Redis orders them (it decides the order sums are taken in).</summary>
    private static Source[] BySize(Source[] sources) => [.. sources.OrderBy(s => s.Count)];

    private static List<(byte[] Member, double Score)> Union(Source[] sources, Aggregate aggregate)
    {
        var accumulator = new Dictionary<byte[], double>(ByteArrayComparer.Instance);
        var order = new List<byte[]>();
        foreach (Source source in BySize(sources))
        {
            foreach ((byte[] member, double score) in source.Elements())
            {
                double value = Weighted(source.Weight, score);
                if (accumulator.TryGetValue(member, out double existing))
                {
                    accumulator[member] = Combine(existing, value, aggregate);
                }
                else
                {
                    accumulator[member] = value;
                    order.Add(member);
                }
            }
        }
        return order.ConvertAll(m => (m, accumulator[m]));
    }

    private static List<(byte[] Member, double Score)> Inter(Source[] sources, Aggregate aggregate)
    {
        Source[] sorted = BySize(sources);
        var result = new List<(byte[], double)>();
        if (sorted[0].Count == 0)
        {
            return result;
        }
        foreach ((byte[] member, double score) in sorted[0].Elements())
        {
            double value = Weighted(sorted[0].Weight, score);
            bool inAll = true;
            for (int i = 1; i < sorted.Length && inAll; i++)
            {
                if (sorted[i].TryGetScore(member, out double other))
                {
                    // Only the first set's weighted score has a NaN (inf * 0) made 0, as in Redis's zinter: a later
                    // NaN goes into the aggregate as it is (a sum with it becomes 0, MIN and MAX keep the target).
                    value = Combine(value, sorted[i].Weight * other, aggregate);
                }
                else
                {
                    inAll = false;
                }
            }
            if (inAll)
            {
                result.Add((member, value));
            }
        }
        return result;
    }

    private static List<(byte[] Member, double Score)> Diff(Source[] sources)
    {
        var result = new List<(byte[], double)>();
        foreach ((byte[] member, double score) in sources[0].Elements())
        {
            bool elsewhere = false;
            for (int i = 1; i < sources.Length && !elsewhere; i++)
            {
                elsewhere = sources[i].TryGetScore(member, out _);
            }
            if (!elsewhere)
            {
                result.Add((member, score));
            }
        }
        return result;
    }

    private static long InterCard(Source[] sources, long limit)
    {
        Source[] sorted = BySize(sources);
        long count = 0;
        if (sorted[0].Count == 0)
        {
            return 0;
        }
        foreach ((byte[] member, _) in sorted[0].Elements())
        {
            bool inAll = true;
            for (int i = 1; i < sorted.Length && inAll; i++)
            {
                inAll = sorted[i].TryGetScore(member, out _);
            }
            if (inAll && ++count == limit)
            {
                break;
            }
        }
        return count;
    }
}
