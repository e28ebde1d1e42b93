using System.Diagnostics.CodeAnalysis;
using RedisClone.Node.Commands.Hashes;
using RedisClone.Node.Commands.Keys;
using RedisClone.Node.Configuration;
using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;

namespace RedisClone.Node.Commands.Sets;

/// <summary>The set family: membership, random members, moves, the algebra (SINTER, SUNION, SDIFF and their STORE forms) and SSCAN.</summary>
internal static class SetCommands
{
    public static void Register(CommandBindings t)
    {
        t.Add("sadd", SAdd);
        t.Add("srem", SRem);
        t.Add("smembers", SMembers);
        t.Add("sismember", SIsMember);
        t.Add("smismember", SMIsMember);
        t.Add("scard", SCard);
        t.Add("spop", SPop);
        t.Add("srandmember", SRandMember);
        t.Add("smove", SMove);
        t.Add("sinter", SInter);
        t.Add("sintercard", SInterCard);
        t.Add("sinterstore", SInterStore);
        t.Add("sunion", SUnion);
        t.Add("sunionstore", SUnionStore);
        t.Add("sdiff", SDiff);
        t.Add("sdiffstore", SDiffStore);
        t.Add("sscan", SScan);
    }

    private static void SAdd(CommandContext c)
    {
        if (!c.TryGetCollection(c.Args[1], out _, out SetValue? set))
        {
            return;
        }
        if (set is null)
        {
            set = SetValue.CreateFor(c.Args[2]);
            c.Db.Set(c.Args[1], set);
        }
        CollectionLimits limits = c.Server.Settings.Collections;
        int added = 0;
        for (int i = 2; i < c.Args.Count; i++)
        {
            if (set.Add(c.Args[i], limits))
            {
                added++;
            }
        }
        if (added > 0)
        {
            c.Db.CollectionChanged(c.Args[1], set);
            c.Notify(KeyspaceEventFlags.Set, "sadd", c.Args[1]);
        }
        c.Reply.WriteInteger(added);
    }

    private static void SRem(CommandContext c)
    {
        if (!c.TryGetCollection(c.Args[1], out _, out SetValue? set))
        {
            return;
        }
        if (set is null)
        {
            c.Reply.WriteRaw(RespLiterals.Zero);
            return;
        }
        int removed = 0;
        for (int i = 2; i < c.Args.Count && set.Count > 0; i++)
        {
            if (set.Remove(c.Args[i]))
            {
                removed++;
            }
        }
        if (removed > 0)
        {
            bool deleted = c.Db.CollectionChanged(c.Args[1], set);
            c.Notify(KeyspaceEventFlags.Set, "srem", c.Args[1]);
            if (deleted)
            {
                c.Notify(KeyspaceEventFlags.Generic, "del", c.Args[1]);
            }
        }
        c.Reply.WriteInteger(removed);
    }

    private static void SMembers(CommandContext c)
    {
        if (c.TryGetCollection(c.Args[1], out _, out SetValue? set))
        {
            WriteMembers(c, set);
        }
    }

    /// <summary>A whole set as a RESP3 set (an array in RESP2); an absent one is empty.</summary>
    private static void WriteMembers(CommandContext c, SetValue? set)
    {
        c.Reply.WriteSetHeader(set?.Count ?? 0);
        if (set is null)
        {
            return;
        }
        Span<byte> scratch = stackalloc byte[24];
        for (int h = set.First(); h >= 0; h = set.Next(h))
        {
            c.Reply.WriteBulk(set.Member(h, scratch));
        }
    }

    private static void SIsMember(CommandContext c)
    {
        if (c.TryGetCollection(c.Args[1], out _, out SetValue? set))
        {
            c.Reply.WriteRaw(set is not null && set.Contains(c.Args[2]) ? RespLiterals.One : RespLiterals.Zero);
        }
    }

    private static void SMIsMember(CommandContext c)
    {
        if (!c.TryGetCollection(c.Args[1], out _, out SetValue? set))
        {
            return;
        }
        c.Reply.WriteArrayHeader(c.Args.Count - 2);
        for (int i = 2; i < c.Args.Count; i++)
        {
            c.Reply.WriteRaw(set is not null && set.Contains(c.Args[i]) ? RespLiterals.One : RespLiterals.Zero);
        }
    }

    private static void SCard(CommandContext c)
    {
        if (c.TryGetCollection(c.Args[1], out _, out SetValue? set))
        {
            c.Reply.WriteInteger(set?.Count ?? 0);
        }
    }

    /// <summary>
    /// SPOP and SRANDMEMBER's start: the form with a count goes to <paramref name="withCount"/>; the form without one
    /// needs the set, and a missing key answers null. False when the reply is already written.
    /// </summary>
    private static bool TryOneMemberForm(CommandContext c, Action<CommandContext> withCount, [NotNullWhen(true)] out SetValue? set)
    {
        set = null;
        if (c.Args.Count > 3)
        {
            c.SyntaxError();
            return false;
        }
        if (c.Args.Count == 3)
        {
            withCount(c);
            return false;
        }
        if (!c.TryGetCollection(c.Args[1], out _, out set))
        {
            return false;
        }
        if (set is null)
        {
            c.Reply.WriteNull();
            return false;
        }
        return true;
    }

    private static void SPop(CommandContext c)
    {
        if (!TryOneMemberForm(c, SPopCount, out SetValue? set))
        {
            return;
        }
        Span<byte> scratch = stackalloc byte[24];
        int handle = set.Random(c.Keyspace.Random);
        c.Reply.WriteBulk(set.Member(handle, scratch));
        set.RemoveAt(handle);
        bool deleted = c.Db.CollectionChanged(c.Args[1], set);
        c.Notify(KeyspaceEventFlags.Set, "spop", c.Args[1]);
        if (deleted)
        {
            c.Notify(KeyspaceEventFlags.Generic, "del", c.Args[1]);
        }
    }

    /// <summary>Redis's spopWithCountCommand, down to which members the popped set keeps and in what encoding.</summary>
    private static void SPopCount(CommandContext c)
    {
        if (!RespNumber.TryParseInt64(c.Args[2], out long requested) || requested < 0)
        {
            c.Reply.WriteError(RespLiterals.ValueNotPositive);
            return;
        }
        if (!c.TryGetCollection(c.Args[1], out int slot, out SetValue? set))
        {
            return;
        }
        if (set is null || requested == 0)
        {
            c.Reply.WriteSetHeader(0);
            return;
        }
        c.Notify(KeyspaceEventFlags.Set, "spop", c.Args[1]);
        Span<byte> scratch = stackalloc byte[24];
        Random random = c.Keyspace.Random;
        if (requested >= set.Count)
        {
            // Everything goes: answered like SUNION of the one set (an intset in ascending order).
            WriteMembers(c, Union([set], c.Server.Settings.Collections));
            c.Db.Delete(c.Args[1]);
            c.Notify(KeyspaceEventFlags.Generic, "del", c.Args[1]);
            return;
        }
        int count = (int)requested;
        int remaining = set.Count - count;
        c.Reply.WriteSetHeader(count);
        // Redis's SPOP_MOVE_STRATEGY_MUL: popping most of the set, it rather picks the members that stay.
        if ((long)remaining * 5 > count)
        {
            for (int i = 0; i < count; i++)
            {
                int handle = set.Random(random);
                c.Reply.WriteBulk(set.Member(handle, scratch));
                set.RemoveAt(handle);
            }
            c.Db.CollectionChanged(c.Args[1], set);
            return;
        }
        SetValue? kept = null;
        CollectionLimits limits = c.Server.Settings.Collections;
        for (int i = 0; i < remaining; i++)
        {
            int handle = set.Random(random);
            ReadOnlySpan<byte> member = set.Member(handle, scratch);
            kept ??= SetValue.CreateFor(member);
            kept.Add(member, limits);
            set.RemoveAt(handle);
        }
        for (int h = set.First(); h >= 0; h = set.Next(h))
        {
            c.Reply.WriteBulk(set.Member(h, scratch));
        }
        // The kept members replace the set (a new value, as Redis's dbOverwrite: the TTL stays).
        c.Db.Overwrite(slot, kept!);
    }

    private static void SRandMember(CommandContext c)
    {
        if (!TryOneMemberForm(c, SRandMemberCount, out SetValue? set))
        {
            return;
        }
        Span<byte> scratch = stackalloc byte[24];
        c.Reply.WriteBulk(set.Member(set.Random(c.Keyspace.Random), scratch));
    }

    private static void SRandMemberCount(CommandContext c)
    {
        if (!HashCommands.TryRandomCount(c, out long requested))
        {
            return;
        }
        if (-requested > HashCommands.MaxRandomReplyElements)
        {
            c.Reply.WriteError(RespLiterals.ValueOutOfRange);
            return;
        }
        if (!c.TryGetCollection(c.Args[1], out _, out SetValue? set))
        {
            return;
        }
        if (set is null || requested == 0)
        {
            c.Reply.WriteRaw(RespLiterals.EmptyArray);
            return;
        }
        Span<byte> scratch = stackalloc byte[24];
        Random random = c.Keyspace.Random;
        if (requested < 0 || requested == 1)
        {
            int picks = (int)Math.Abs(requested);
            c.Reply.WriteArrayHeader(picks);
            for (int i = 0; i < picks; i++)
            {
                c.Reply.WriteBulk(set.Member(set.Random(random), scratch));
            }
            return;
        }
        if (requested >= set.Count)
        {
            // The whole set, in its own order (an intset ascending), as Redis's case 2.
            c.Reply.WriteArrayHeader(set.Count);
            for (int h = set.First(); h >= 0; h = set.Next(h))
            {
                c.Reply.WriteBulk(set.Member(h, scratch));
            }
            return;
        }
        int count = (int)requested;
        if (!set.IsIntset && (long)count * 3 < set.Count)
        {
            // Few of many (Redis's case 4): random picks until enough distinct ones, without listing the whole set.
            var picked = new HashSet<int>(count);
            c.Reply.WriteArrayHeader(count);
            while (picked.Count < count)
            {
                int handle = set.Random(random);
                if (picked.Add(handle))
                {
                    c.Reply.WriteBulk(set.Member(handle, scratch));
                }
            }
            return;
        }
        var handles = new List<int>(set.Count);
        for (int h = set.First(); h >= 0; h = set.Next(h))
        {
            handles.Add(h);
        }
        c.Reply.WriteArrayHeader(count);
        for (int i = 0; i < count; i++)
        {
            int j = random.Next(i, handles.Count);
            (handles[i], handles[j]) = (handles[j], handles[i]);
            c.Reply.WriteBulk(set.Member(handles[i], scratch));
        }
    }

    private static void SMove(CommandContext c)
    {
        // Redis looks both keys up before checking either's type: a missing source answers 0 whatever the destination holds.
        object? sourceValue = c.Db.Get(c.Args[1]);
        object? destinationValue = c.Db.Get(c.Args[2]);
        ReadOnlySpan<byte> member = c.Args[3];
        if (sourceValue is null)
        {
            c.Reply.WriteRaw(RespLiterals.Zero);
            return;
        }
        if (sourceValue is not SetValue source || (destinationValue is not null and not SetValue))
        {
            c.Reply.WriteError(RespLiterals.WrongType);
            return;
        }
        var destination = destinationValue as SetValue;
        if (ReferenceEquals(source, destination))
        {
            c.Reply.WriteRaw(source.Contains(member) ? RespLiterals.One : RespLiterals.Zero);
            return;
        }
        if (!source.Remove(member))
        {
            c.Reply.WriteRaw(RespLiterals.Zero);
            return;
        }
        c.Notify(KeyspaceEventFlags.Set, "srem", c.Args[1]);
        if (c.Db.CollectionChanged(c.Args[1], source))
        {
            c.Notify(KeyspaceEventFlags.Generic, "del", c.Args[1]);
        }
        if (destination is null)
        {
            destination = SetValue.CreateFor(member);
            c.Db.Set(c.Args[2], destination);
        }
        if (destination.Add(member, c.Server.Settings.Collections))
        {
            c.Db.CollectionChanged(c.Args[2], destination);
            c.Notify(KeyspaceEventFlags.Set, "sadd", c.Args[2]);
        }
        c.Reply.WriteRaw(RespLiterals.One);
    }

    /// <summary>
    /// The sets at <paramref name="first"/>..<paramref name="end"/> (null for a missing key); false after WRONGTYPE,
    /// which Redis checks for every key before doing anything.
    /// </summary>
    private static bool TryGetSets(CommandContext c, int first, int end, out SetValue?[] sets)
    {
        sets = new SetValue?[end - first];
        for (int i = first; i < end; i++)
        {
            if (!c.TryGetCollection(c.Args[i], out _, out sets[i - first]))
            {
                return false;
            }
        }
        return true;
    }

    private static void SInter(CommandContext c)
    {
        if (TryGetSets(c, 1, c.Args.Count, out SetValue?[] sets))
        {
            WriteMembers(c, Intersection(sets, c.Server.Settings.Collections, limit: 0, out _));
        }
    }

    private static void SInterStore(CommandContext c)
    {
        if (TryGetSets(c, 2, c.Args.Count, out SetValue?[] sets))
        {
            Store(c, Intersection(sets, c.Server.Settings.Collections, limit: 0, out _), "sinterstore");
        }
    }

    private static void SInterCard(CommandContext c)
    {
        if (!RespNumber.TryParseInt64(c.Args[1], out long keyCount) || keyCount < 1)
        {
            c.Reply.WriteError(RespLiterals.NumkeysNotPositive);
            return;
        }
        if (keyCount > c.Args.Count - 2)
        {
            c.Reply.WriteError(RespLiterals.NumkeysAboveArguments);
            return;
        }
        int end = 2 + (int)keyCount;
        long limit = 0;
        for (int i = end; i < c.Args.Count; i++)
        {
            if (c.ArgIs(i, "LIMIT"u8) && i + 1 < c.Args.Count)
            {
                if (!RespNumber.TryParseInt64(c.Args[++i], out limit) || limit < 0)
                {
                    c.Reply.WriteError(RespLiterals.LimitCannotBeNegative);
                    return;
                }
            }
            else
            {
                c.SyntaxError();
                return;
            }
        }
        if (TryGetSets(c, 2, end, out SetValue?[] sets))
        {
            Intersection(sets, limits: null, limit, out long cardinality);
            c.Reply.WriteInteger(cardinality);
        }
    }

    /// <summary>
    /// Redis's sinterGenericCommand: the smallest set is walked and each member checked in the others; a missing key
    /// makes the result empty. With <paramref name="limits"/> null only the cardinality is counted, up to
    /// <paramref name="limit"/> (0: no limit); otherwise the result is built as Redis builds it, from an intset.
    /// </summary>
    private static SetValue? Intersection(SetValue?[] sets, CollectionLimits? limits, long limit, out long cardinality)
    {
        cardinality = 0;
        if (Array.Exists(sets, s => s is null))
        {
            return null;
        }
        SetValue[] bySize = [.. sets.Select(s => s!).OrderBy(s => s.Count)];
        SetValue smallest = bySize[0];
        SetValue? result = limits is null ? null : SetValue.CreateIntset();
        Span<byte> scratch = stackalloc byte[24];
        for (int h = smallest.First(); h >= 0; h = smallest.Next(h))
        {
            ReadOnlySpan<byte> member = smallest.Member(h, scratch);
            bool everywhere = true;
            for (int i = 1; i < bySize.Length && everywhere; i++)
            {
                everywhere = ReferenceEquals(bySize[i], smallest) || bySize[i].Contains(member);
            }
            if (!everywhere)
            {
                continue;
            }
            cardinality++;
            result?.Add(member, limits!);
            if (limit > 0 && cardinality >= limit)
            {
                break;
            }
        }
        return result is { Count: > 0 } ? result : null;
    }

    private static void SUnion(CommandContext c)
    {
        if (TryGetSets(c, 1, c.Args.Count, out SetValue?[] sets))
        {
            WriteMembers(c, Union(sets, c.Server.Settings.Collections));
        }
    }

    private static void SUnionStore(CommandContext c)
    {
        if (TryGetSets(c, 2, c.Args.Count, out SetValue?[] sets))
        {
            Store(c, Union(sets, c.Server.Settings.Collections), "sunionstore");
        }
    }

    private static void SDiff(CommandContext c)
    {
        if (TryGetSets(c, 1, c.Args.Count, out SetValue?[] sets))
        {
            WriteMembers(c, Difference(sets, c.Server.Settings.Collections));
        }
    }

    private static void SDiffStore(CommandContext c)
    {
        if (TryGetSets(c, 2, c.Args.Count, out SetValue?[] sets))
        {
            Store(c, Difference(sets, c.Server.Settings.Collections), "sdiffstore");
        }
    }

    /// <summary>Every member of any of the sets, built as Redis builds it (from an intset); null when empty.</summary>
    private static SetValue? Union(SetValue?[] sets, CollectionLimits limits)
    {
        SetValue result = SetValue.CreateIntset();
        Span<byte> scratch = stackalloc byte[24];
        foreach (SetValue? set in sets)
        {
            for (int h = set?.First() ?? -1; h >= 0; h = set!.Next(h))
            {
                result.Add(set!.Member(h, scratch), limits);
            }
        }
        return result.Count > 0 ? result : null;
    }

    /// <summary>
    /// The members of the first set in none of the others; null when empty. Redis picks one of two ways by the sizes
    /// involved, and the way decides the result's encoding: checking each member of the first set against the others
    /// adds only survivors, while copying the first set and removing the others' members may pass the intset limit on
    /// the way. Both are done as Redis does them.
    /// </summary>
    private static SetValue? Difference(SetValue?[] sets, CollectionLimits limits)
    {
        SetValue? first = sets[0];
        if (first is null || first.Count == 0)
        {
            return null;
        }
        long checkWork = 0;
        long copyWork = 0;
        foreach (SetValue? set in sets)
        {
            if (set is not null)
            {
                checkWork += first.Count;
                copyWork += set.Count;
            }
        }
        SetValue result = SetValue.CreateIntset();
        Span<byte> scratch = stackalloc byte[24];
        if (checkWork / 2 <= copyWork)
        {
            for (int h = first.First(); h >= 0; h = first.Next(h))
            {
                ReadOnlySpan<byte> member = first.Member(h, scratch);
                bool elsewhere = false;
                for (int i = 1; i < sets.Length && !elsewhere; i++)
                {
                    elsewhere = sets[i] is { } other && (ReferenceEquals(other, first) || other.Contains(member));
                }
                if (!elsewhere)
                {
                    result.Add(member, limits);
                }
            }
        }
        else
        {
            for (int h = first.First(); h >= 0; h = first.Next(h))
            {
                result.Add(first.Member(h, scratch), limits);
            }
            for (int i = 1; i < sets.Length && result.Count > 0; i++)
            {
                SetValue? other = sets[i];
                for (int h = other?.First() ?? -1; h >= 0; h = other!.Next(h))
                {
                    result.Remove(other!.Member(h, scratch));
                }
            }
        }
        return result.Count > 0 ? result : null;
    }

    /// <summary>
    /// The STORE forms' ending: a non-empty result replaces the destination (any type, TTL dropped) and fires
    /// <paramref name="eventName"/>; an empty one deletes it, firing "del" if it existed.
    /// </summary>
    private static void Store(CommandContext c, SetValue? result, string eventName)
    {
        ReadOnlySpan<byte> destination = c.Args[1];
        if (result is null)
        {
            if (c.Db.Delete(destination))
            {
                c.Notify(KeyspaceEventFlags.Generic, "del", destination);
            }
            c.Reply.WriteRaw(RespLiterals.Zero);
            return;
        }
        c.Db.Set(destination, result);
        c.Reply.WriteInteger(result.Count);
        c.Notify(KeyspaceEventFlags.Set, eventName, destination);
    }

    private static void SScan(CommandContext c)
    {
        if (!CollectionScan.TryStart(c, out ulong cursor, out SetValue? set, out byte[]? pattern, out int count))
        {
            return;
        }
        Span<byte> scratch = stackalloc byte[24];
        var handles = new List<int>();
        ulong next = 0;
        if (set.IsIntset)
        {
            // An intset is answered whole, cursor 0, as Redis does.
            for (int h = set.First(); h >= 0; h = set.Next(h))
            {
                handles.Add(h);
            }
        }
        else
        {
            next = set.Scan(cursor, count, handles);
        }
        int matching = 0;
        for (int i = 0; i < handles.Count; i++)
        {
            if (CollectionScan.Matches(pattern, set.Member(handles[i], scratch)))
            {
                handles[matching++] = handles[i];
            }
        }
        CollectionScan.WriteHeader(c.Reply, next, matching);
        for (int i = 0; i < matching; i++)
        {
            c.Reply.WriteBulk(set.Member(handles[i], scratch));
        }
    }
}
