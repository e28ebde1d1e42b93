using RedisClone.Node.Commands.Keys;
using RedisClone.Node.Configuration;
using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;
using RedisClone.Node.Util;

namespace RedisClone.Node.Commands.Hashes;

/// <summary>The hash family: HSET, HGET and friends, counters, random fields and HSCAN.</summary>
internal static class HashCommands
{
    /// <summary>
    /// The most elements a random-with-repetition reply (a negative count) may hold. Redis has no bound short of its
    /// memory; the node answers "value is out of range" beyond this rather than build a reply it cannot hold.
    /// </summary>
    public const long MaxRandomReplyElements = 1L << 24;

    public static void Register(CommandBindings t)
    {
        t.Add("hset", HSet);
        t.Add("hmset", HMSet);
        t.Add("hsetnx", HSetNx);
        t.Add("hget", HGet);
        t.Add("hmget", HMGet);
        t.Add("hgetall", HGetAll);
        t.Add("hkeys", HKeys);
        t.Add("hvals", HVals);
        t.Add("hdel", HDel);
        t.Add("hlen", HLen);
        t.Add("hstrlen", HStrLen);
        t.Add("hexists", HExists);
        t.Add("hincrby", HIncrBy);
        t.Add("hincrbyfloat", HIncrByFloat);
        t.Add("hrandfield", HRandField);
        t.Add("hscan", HScan);
    }

    /// <summary>The hash at argument 1 for a write, created (and stored, firing "new") when absent; false after WRONGTYPE.</summary>
    private static bool TryWritable(CommandContext c, out HashValue hash, out bool created)
    {
        created = false;
        if (!c.TryGetCollection(c.Args[1], out _, out HashValue? existing))
        {
            hash = null!;
            return false;
        }
        if (existing is null)
        {
            existing = new HashValue();
            c.Db.Set(c.Args[1], existing);
            created = true;
        }
        hash = existing;
        return true;
    }

    private static void HSet(CommandContext c) => SetFields(c, replyOk: false);

    private static void HMSet(CommandContext c) => SetFields(c, replyOk: true);

    private static void SetFields(CommandContext c, bool replyOk)
    {
        if (c.Args.Count % 2 != 0)
        {
            c.WrongArity();
            return;
        }
        if (!TryWritable(c, out HashValue hash, out _))
        {
            return;
        }
        CollectionLimits limits = c.Server.Settings.Collections;
        int added = 0;
        for (int i = 2; i < c.Args.Count; i += 2)
        {
            if (hash.Set(c.Args[i], c.Args[i + 1], limits))
            {
                added++;
            }
        }
        c.Db.CollectionChanged(c.Args[1], hash);
        c.Notify(KeyspaceEventFlags.Hash, "hset", c.Args[1]);
        if (replyOk)
        {
            c.Reply.WriteOk();
        }
        else
        {
            c.Reply.WriteInteger(added);
        }
    }

    private static void HSetNx(CommandContext c)
    {
        if (!TryWritable(c, out HashValue hash, out _))
        {
            return;
        }
        if (hash.Find(c.Args[2]) >= 0)
        {
            c.Reply.WriteRaw(RespLiterals.Zero);
            return;
        }
        hash.Set(c.Args[2], c.Args[3], c.Server.Settings.Collections);
        c.Db.CollectionChanged(c.Args[1], hash);
        c.Notify(KeyspaceEventFlags.Hash, "hset", c.Args[1]);
        c.Reply.WriteRaw(RespLiterals.One);
    }

    private static void HGet(CommandContext c)
    {
        if (!c.TryGetCollection(c.Args[1], out _, out HashValue? hash))
        {
            return;
        }
        int handle = hash?.Find(c.Args[2]) ?? -1;
        if (handle < 0)
        {
            c.Reply.WriteNull();
            return;
        }
        c.Reply.WriteBulk(hash!.Entries.Value(handle));
    }

    private static void HMGet(CommandContext c)
    {
        if (!c.TryGetCollection(c.Args[1], out _, out HashValue? hash))
        {
            return;
        }
        c.Reply.WriteArrayHeader(c.Args.Count - 2);
        for (int i = 2; i < c.Args.Count; i++)
        {
            int handle = hash?.Find(c.Args[i]) ?? -1;
            if (handle < 0)
            {
                c.Reply.WriteNull();
            }
            else
            {
                c.Reply.WriteBulk(hash!.Entries.Value(handle));
            }
        }
    }

    private static void HGetAll(CommandContext c)
    {
        if (!c.TryGetCollection(c.Args[1], out _, out HashValue? hash))
        {
            return;
        }
        PackedStore? entries = hash?.Entries;
        c.Reply.WriteMapHeader(entries?.Count ?? 0);
        for (int h = entries?.First() ?? -1; h >= 0; h = entries!.Next(h))
        {
            c.Reply.WriteBulk(entries!.Key(h));
            c.Reply.WriteBulk(entries.Value(h));
        }
    }

    private static void HKeys(CommandContext c) => WriteOneSide(c, fields: true);

    private static void HVals(CommandContext c) => WriteOneSide(c, fields: false);

    private static void WriteOneSide(CommandContext c, bool fields)
    {
        if (!c.TryGetCollection(c.Args[1], out _, out HashValue? hash))
        {
            return;
        }
        PackedStore? entries = hash?.Entries;
        c.Reply.WriteArrayHeader(entries?.Count ?? 0);
        for (int h = entries?.First() ?? -1; h >= 0; h = entries!.Next(h))
        {
            c.Reply.WriteBulk(fields ? entries!.Key(h) : entries!.Value(h));
        }
    }

    private static void HDel(CommandContext c)
    {
        if (!c.TryGetCollection(c.Args[1], out _, out HashValue? hash))
        {
            return;
        }
        if (hash is null)
        {
            c.Reply.WriteRaw(RespLiterals.Zero);
            return;
        }
        int removed = 0;
        for (int i = 2; i < c.Args.Count && hash.Count > 0; i++)
        {
            if (hash.Remove(c.Args[i]))
            {
                removed++;
            }
        }
        if (removed > 0)
        {
            bool deleted = c.Db.CollectionChanged(c.Args[1], hash);
            c.Notify(KeyspaceEventFlags.Hash, "hdel", c.Args[1]);
            if (deleted)
            {
                c.Notify(KeyspaceEventFlags.Generic, "del", c.Args[1]);
            }
        }
        c.Reply.WriteInteger(removed);
    }

    private static void HLen(CommandContext c)
    {
        if (c.TryGetCollection(c.Args[1], out _, out HashValue? hash))
        {
            c.Reply.WriteInteger(hash?.Count ?? 0);
        }
    }

    private static void HStrLen(CommandContext c)
    {
        if (!c.TryGetCollection(c.Args[1], out _, out HashValue? hash))
        {
            return;
        }
        int handle = hash?.Find(c.Args[2]) ?? -1;
        c.Reply.WriteInteger(handle < 0 ? 0 : hash!.Entries.Value(handle).Length);
    }

    private static void HExists(CommandContext c)
    {
        if (c.TryGetCollection(c.Args[1], out _, out HashValue? hash))
        {
            c.Reply.WriteRaw(hash is not null && hash.Find(c.Args[2]) >= 0 ? RespLiterals.One : RespLiterals.Zero);
        }
    }

    private static void HIncrBy(CommandContext c)
    {
        if (!c.TryInteger(3, out long by) || !TryWritable(c, out HashValue hash, out _))
        {
            return;
        }
        long current = 0;
        int handle = hash.Find(c.Args[2]);
        if (handle >= 0 && !RespNumber.TryParseInt64(hash.Entries.Value(handle), out current))
        {
            c.Reply.WriteError(RespLiterals.HashValueNotInteger);
            return;
        }
        if (!Int64Math.TryAdd(current, by, out long result))
        {
            c.Reply.WriteError(RespLiterals.Overflow);
            return;
        }
        Span<byte> digits = stackalloc byte[24];
        hash.Set(c.Args[2], digits[..RespNumber.Format(result, digits)], c.Server.Settings.Collections);
        c.Db.CollectionChanged(c.Args[1], hash);
        c.Notify(KeyspaceEventFlags.Hash, "hincrby", c.Args[1]);
        c.Reply.WriteInteger(result);
    }

    private static void HIncrByFloat(CommandContext c)
    {
        if (!LongDouble.TryParse(c.Args[3], out LongDouble by))
        {
            c.Reply.WriteError(RespLiterals.NotFloat);
            return;
        }
        if (!by.IsFinite)
        {
            c.Reply.WriteError(RespLiterals.ValueIsNaN);
            return;
        }
        if (!TryWritable(c, out HashValue hash, out _))
        {
            return;
        }
        LongDouble current = LongDouble.Zero;
        int handle = hash.Find(c.Args[2]);
        if (handle >= 0 && !LongDouble.TryParse(hash.Entries.Value(handle), out current))
        {
            c.Reply.WriteError(RespLiterals.HashValueNotFloat);
            return;
        }
        LongDouble result = LongDouble.Add(current, by);
        if (!result.IsFinite)
        {
            c.Reply.WriteError(RespLiterals.IncrementWouldBeNaN);
            return;
        }
        byte[] text = System.Text.Encoding.ASCII.GetBytes(result.ToHumanString());
        hash.Set(c.Args[2], text, c.Server.Settings.Collections);
        c.Db.CollectionChanged(c.Args[1], hash);
        c.Notify(KeyspaceEventFlags.Hash, "hincrbyfloat", c.Args[1]);
        c.Reply.WriteBulk(text);
    }

    private static void HRandField(CommandContext c)
    {
        if (c.Args.Count == 2)
        {
            if (!c.TryGetCollection(c.Args[1], out _, out HashValue? single))
            {
                return;
            }
            if (single is null)
            {
                c.Reply.WriteNull();
                return;
            }
            c.Reply.WriteBulk(single.Entries.Key(single.Entries.Random(c.Keyspace.Random)));
            return;
        }
        if (!TryRandomCount(c, out long requested))
        {
            return;
        }
        bool withValues = false;
        if (c.Args.Count > 4 || (c.Args.Count == 4 && !c.ArgIs(3, "WITHVALUES"u8)))
        {
            c.SyntaxError();
            return;
        }
        if (c.Args.Count == 4)
        {
            withValues = true;
            if (requested is < -long.MaxValue / 2 or > long.MaxValue / 2)
            {
                c.Reply.WriteError(RespLiterals.ValueOutOfRange);
                return;
            }
        }
        if (-requested > MaxRandomReplyElements)
        {
            c.Reply.WriteError(RespLiterals.ValueOutOfRange);
            return;
        }
        if (!c.TryGetCollection(c.Args[1], out _, out HashValue? hash))
        {
            return;
        }
        if (hash is null || requested == 0)
        {
            c.Reply.WriteRaw(RespLiterals.EmptyArray);
            return;
        }
        PackedStore entries = hash.Entries;
        Random random = c.Keyspace.Random;
        if (requested < 0 || requested == 1)
        {
            // With repetition: each pick is independent (Redis's case 1, also used for a count of 1). A listpack is
            // listed once first, so a pick costs O(1) rather than a walk of the listpack.
            int count = (int)Math.Abs(requested);
            List<int>? listed = entries.IsIndexed || count == 1 ? null : AllHandles(entries);
            WriteRandomHeader(c, count, withValues);
            for (int i = 0; i < count; i++)
            {
                WritePick(c, entries, listed is null ? entries.Random(random) : listed[random.Next(listed.Count)], withValues);
            }
            return;
        }
        if (requested >= entries.Count)
        {
            WriteRandomHeader(c, entries.Count, withValues);
            for (int h = entries.First(); h >= 0; h = entries.Next(h))
            {
                WritePick(c, entries, h, withValues);
            }
            return;
        }
        List<int> picked = DistinctRandomHandles(entries, (int)requested, random);
        WriteRandomHeader(c, picked.Count, withValues);
        foreach (int h in picked)
        {
            WritePick(c, entries, h, withValues);
        }
    }

    /// <summary>Redis's getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX) for the count of HRANDFIELD and SRANDMEMBER.</summary>
    internal static bool TryRandomCount(CommandContext c, out long count)
    {
        if (!c.TryInteger(2, out count))
        {
            return false;
        }
        if (count == long.MinValue)
        {
            c.Reply.WriteError(RespLiterals.ValueOutOfInt64Range);
            return false;
        }
        return true;
    }

    private static List<int> AllHandles(PackedStore entries)
    {
        var all = new List<int>(entries.Count);
        for (int h = entries.First(); h >= 0; h = entries.Next(h))
        {
            all.Add(h);
        }
        return all;
    }

    /// <summary><paramref name="count"/> distinct handles (fewer than the store holds), in random order.</summary>
    private static List<int> DistinctRandomHandles(PackedStore entries, int count, Random random)
    {
        if (entries.IsIndexed && (long)count * 3 < entries.Count)
        {
            // Few of many (Redis's case 4): random picks until enough distinct ones, without listing the whole hash.
            var picked = new HashSet<int>(count);
            var order = new List<int>(count);
            while (order.Count < count)
            {
                int handle = entries.Random(random);
                if (picked.Add(handle))
                {
                    order.Add(handle);
                }
            }
            return order;
        }
        List<int> all = AllHandles(entries);
        // A partial Fisher-Yates shuffle: the first count places hold a uniform sample.
        for (int i = 0; i < count; i++)
        {
            int j = random.Next(i, all.Count);
            (all[i], all[j]) = (all[j], all[i]);
        }
        all.RemoveRange(count, all.Count - count);
        return all;
    }

    private static void WriteRandomHeader(CommandContext c, int count, bool withValues) =>
        c.Reply.WriteArrayHeader(withValues && !c.Reply.IsResp3 ? count * 2 : count);

    private static void WritePick(CommandContext c, PackedStore entries, int handle, bool withValues)
    {
        if (withValues && c.Reply.IsResp3)
        {
            c.Reply.WriteArrayHeader(2);
        }
        c.Reply.WriteBulk(entries.Key(handle));
        if (withValues)
        {
            c.Reply.WriteBulk(entries.Value(handle));
        }
    }

    private static void HScan(CommandContext c)
    {
        if (!CollectionScan.TryStart(c, out ulong cursor, out HashValue? hash, out byte[]? pattern, out int count))
        {
            return;
        }
        PackedStore entries = hash.Entries;
        var handles = new List<int>();
        ulong next = 0;
        if (entries.IsIndexed)
        {
            next = entries.Scan(cursor, count, handles);
        }
        else
        {
            // A listpack hash is answered whole, cursor 0, whatever the cursor and COUNT (as Redis does).
            for (int h = entries.First(); h >= 0; h = entries.Next(h))
            {
                handles.Add(h);
            }
        }
        if (pattern is not null)
        {
            handles.RemoveAll(h => !CollectionScan.Matches(pattern, entries.Key(h)));
        }
        CollectionScan.WriteHeader(c.Reply, next, handles.Count * 2);
        foreach (int h in handles)
        {
            c.Reply.WriteBulk(entries.Key(h));
            c.Reply.WriteBulk(entries.Value(h));
        }
    }
}
