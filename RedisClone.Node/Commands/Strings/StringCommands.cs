using RedisClone.Node.Configuration;
using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;
using RedisClone.Node.Util;

namespace RedisClone.Node.Commands.Strings;

/// <summary>The string family: GET, SET and friends, ranges and counters.</summary>
internal static class StringCommands
{
    public static void Register(CommandBindings t)
    {
        t.Add("get", Get);
        t.Add("set", Set);
        t.Add("setnx", SetNx);
        t.Add("setex", SetEx);
        t.Add("psetex", PSetEx);
        t.Add("getset", GetSet);
        t.Add("getdel", GetDel);
        t.Add("getex", GetEx);
        t.Add("mget", MGet);
        t.Add("mset", MSet);
        t.Add("msetnx", MSetNx);
        t.Add("append", Append);
        t.Add("strlen", StrLen);
        t.Add("getrange", GetRange);
        t.Add("setrange", SetRange);
        t.Add("incr", Incr);
        t.Add("decr", Decr);
        t.Add("incrby", IncrBy);
        t.Add("decrby", DecrBy);
        t.Add("incrbyfloat", IncrByFloat);
    }

    private static void Get(CommandContext c)
    {
        if (!c.TryGetString(c.Args[1], out byte[]? value))
        {
            return;
        }
        if (value is null)
        {
            c.Reply.WriteNull();
        }
        else
        {
            c.Reply.WriteBulk(value);
        }
    }

    [Flags]
    private enum SetOptions
    {
        None = 0,
        Nx = 1,
        Xx = 2,
        Get = 4,
        Ex = 8,
        Px = 16,
        ExAt = 32,
        PxAt = 64,
        KeepTtl = 128,
        Persist = 256,
        AnyExpiry = Ex | Px | ExAt | PxAt | KeepTtl | Persist,
    }

    /// <summary>
    /// Redis's parseExtendedStringArgumentsOrReply, shared by SET and GETEX: syntax only. The expire time's value is
    /// checked by <see cref="TryResolveExpiry"/>, which GETEX calls only once it knows the key exists, as Redis does.
    /// </summary>
    private static bool TryParseOptions(CommandContext c, int start, bool isSet, out SetOptions options, out int expiryIndex)
    {
        options = SetOptions.None;
        expiryIndex = -1;
        for (int i = start; i < c.Args.Count; i++)
        {
            ReadOnlySpan<byte> a = c.Args[i];
            bool hasNext = i + 1 < c.Args.Count;
            if (isSet && Is(a, "NX"u8) && (options & SetOptions.Xx) == 0)
            {
                options |= SetOptions.Nx;
            }
            else if (isSet && Is(a, "XX"u8) && (options & SetOptions.Nx) == 0)
            {
                options |= SetOptions.Xx;
            }
            else if (isSet && Is(a, "GET"u8))
            {
                options |= SetOptions.Get;
            }
            else if (isSet && Is(a, "KEEPTTL"u8) && (options & SetOptions.AnyExpiry & ~SetOptions.KeepTtl) == 0)
            {
                options |= SetOptions.KeepTtl;
            }
            else if (!isSet && Is(a, "PERSIST"u8) && (options & SetOptions.AnyExpiry & ~SetOptions.Persist) == 0)
            {
                options |= SetOptions.Persist;
            }
            else if (hasNext && TryExpiryFlag(a, out SetOptions flag) && (options & SetOptions.AnyExpiry & ~flag) == 0)
            {
                options |= flag;
                expiryIndex = ++i;
            }
            else
            {
                c.SyntaxError();
                return false;
            }
        }
        return true;
    }

    /// <summary>Redis's getExpireMillisecondsOrReply for the option <see cref="TryParseOptions"/> found, if any.</summary>
    private static bool TryResolveExpiry(CommandContext c, SetOptions options, int expiryIndex, out long expireAt)
    {
        expireAt = KeyTable.NoExpiry;
        if (expiryIndex > 0)
        {
            (long unit, bool absolute) = (options & SetOptions.AnyExpiry) switch
            {
                SetOptions.Ex => (1000L, false),
                SetOptions.Px => (1L, false),
                SetOptions.ExAt => (1000L, true),
                _ => (1L, true),
            };
            return c.TryExpireAt(expiryIndex, unit, absolute, out expireAt);
        }
        return true;
    }

    private static bool TryExpiryFlag(ReadOnlySpan<byte> a, out SetOptions flag)
    {
        flag = Is(a, "EX"u8) ? SetOptions.Ex : Is(a, "PX"u8) ? SetOptions.Px : Is(a, "EXAT"u8) ? SetOptions.ExAt : Is(a, "PXAT"u8) ? SetOptions.PxAt : SetOptions.None;
        return flag != SetOptions.None;
    }

    private static bool Is(ReadOnlySpan<byte> arg, ReadOnlySpan<byte> token) => System.Text.Ascii.EqualsIgnoreCase(arg, token);

    private static void Set(CommandContext c)
    {
        if (!TryParseOptions(c, 3, isSet: true, out SetOptions options, out int expiryIndex)
            || !TryResolveExpiry(c, options, expiryIndex, out long expireAt))
        {
            return;
        }
        ReadOnlySpan<byte> key = c.Args[1];
        Database db = c.Db;
        int slot = db.Lookup(key);
        object? existing = slot >= 0 ? db.ReadValueAt(slot) : null;
        if (options.HasFlag(SetOptions.Get) && existing is not null and not byte[])
        {
            c.Reply.WriteError(RespLiterals.WrongType);
            return;
        }
        bool conditionFails = (options.HasFlag(SetOptions.Nx) && existing is not null) || (options.HasFlag(SetOptions.Xx) && existing is null);
        if (options.HasFlag(SetOptions.Get))
        {
            // Written before the store, which may reuse the old value's bytes.
            if (existing is byte[] old)
            {
                c.Reply.WriteBulk(old);
            }
            else
            {
                c.Reply.WriteNull();
            }
        }
        if (!conditionFails)
        {
            StoreArgument(c, db, slot, key, 2, expireAt, keepTtl: options.HasFlag(SetOptions.KeepTtl));
            c.Notify(KeyspaceEventFlags.Strings, "set", key);
            if (expireAt != KeyTable.NoExpiry)
            {
                c.Notify(KeyspaceEventFlags.Generic, "expire", key);
            }
        }
        if (options.HasFlag(SetOptions.Get))
        {
            return;
        }
        if (conditionFails)
        {
            c.Reply.WriteNull();
        }
        else
        {
            c.Reply.WriteOk();
        }
    }

    /// <summary>A value argument as an array to store: a big one's own array (no copy), otherwise a copy.</summary>
    /// <summary>Stores argument <paramref name="index"/> as <paramref name="key"/>'s string: a big argument's own array is kept; an overwrite of the same length reuses the old bytes.</summary>
    private static void StoreArgument(CommandContext c, Database db, int slot, ReadOnlySpan<byte> key, int index, long expireAt, bool keepTtl)
    {
        if (c.Args.TryTakeWhole(index, out byte[] whole))
        {
            db.StoreString(slot, key, whole, expireAt, keepTtl);
        }
        else
        {
            db.SetString(slot, key, c.Args[index], expireAt, keepTtl);
        }
    }

    private static byte[] ValueArray(CommandContext c, int index) =>
        c.Args.TryTakeWhole(index, out byte[] whole) ? whole : c.Args.ToArray(index);

    private static void SetNx(CommandContext c)
    {
        if (c.Db.Exists(c.Args[1]))
        {
            c.Reply.WriteRaw(RespLiterals.Zero);
            return;
        }
        c.Db.Set(c.Args[1], ValueArray(c, 2));
        c.Notify(KeyspaceEventFlags.Strings, "set", c.Args[1]);
        c.Reply.WriteRaw(RespLiterals.One);
    }

    private static void SetEx(CommandContext c) => SetWithExpiry(c, 1000);

    private static void PSetEx(CommandContext c) => SetWithExpiry(c, 1);

    private static void SetWithExpiry(CommandContext c, long unitMs)
    {
        if (c.TryExpireAt(2, unitMs, absolute: false, out long expireAt))
        {
            c.Db.Set(c.Args[1], ValueArray(c, 3), expireAt);
            c.Notify(KeyspaceEventFlags.Strings, "set", c.Args[1]);
            c.Notify(KeyspaceEventFlags.Generic, "expire", c.Args[1]);
            c.Reply.WriteOk();
        }
    }

    private static void GetSet(CommandContext c)
    {
        if (!c.TryGetString(c.Args[1], out byte[]? old))
        {
            return;
        }
        c.Db.Set(c.Args[1], ValueArray(c, 2));
        c.Notify(KeyspaceEventFlags.Strings, "set", c.Args[1]);
        WriteBulkOrNull(c, old);
    }

    private static void GetDel(CommandContext c)
    {
        if (!c.TryGetString(c.Args[1], out byte[]? old))
        {
            return;
        }
        if (old is not null)
        {
            c.Db.Delete(c.Args[1]);
            c.Notify(KeyspaceEventFlags.Generic, "del", c.Args[1]);
        }
        WriteBulkOrNull(c, old);
    }

    private static void GetEx(CommandContext c)
    {
        if (!TryParseOptions(c, 2, isSet: false, out SetOptions options, out int expiryIndex))
        {
            return;
        }
        if (!c.TryGetString(c.Args[1], out byte[]? value))
        {
            return;
        }
        if (value is null)
        {
            c.Reply.WriteNull();
            return;
        }
        if (!TryResolveExpiry(c, options, expiryIndex, out long expireAt))
        {
            return;
        }
        Database db = c.Db;
        if ((options & (SetOptions.Ex | SetOptions.Px | SetOptions.ExAt | SetOptions.PxAt)) != 0)
        {
            if (expireAt <= c.Now)
            {
                db.Delete(c.Args[1]); // a due time already past deletes the key, as Redis does
                c.Notify(KeyspaceEventFlags.Generic, "del", c.Args[1]);
            }
            else
            {
                db.ChangeExpireAt(db.Lookup(c.Args[1]), expireAt);
                c.Notify(KeyspaceEventFlags.Generic, "expire", c.Args[1]);
            }
        }
        else if (options.HasFlag(SetOptions.Persist))
        {
            int slot = db.Lookup(c.Args[1]);
            if (db.ExpireAtSlot(slot) != KeyTable.NoExpiry)
            {
                db.ChangeExpireAt(slot, KeyTable.NoExpiry);
                c.Notify(KeyspaceEventFlags.Generic, "persist", c.Args[1]);
            }
        }
        c.Reply.WriteBulk(value);
    }

    private static void MGet(CommandContext c)
    {
        c.Reply.WriteArrayHeader(c.Args.Count - 1);
        for (int i = 1; i < c.Args.Count; i++)
        {
            // MGET answers nil for a key of another type rather than failing.
            WriteBulkOrNull(c, c.Db.Read(c.Args[i]) as byte[]);
        }
    }

    private static void MSet(CommandContext c)
    {
        if (c.Args.Count % 2 == 0)
        {
            c.WrongArity();
            return;
        }
        Database db = c.Db;
        for (int i = 1; i < c.Args.Count; i += 2)
        {
            ReadOnlySpan<byte> key = c.Args[i];
            StoreArgument(c, db, db.Lookup(key, touch: false), key, i + 1, KeyTable.NoExpiry, keepTtl: false);
            c.Notify(KeyspaceEventFlags.Strings, "set", key);
        }
        c.Reply.WriteOk();
    }

    private static void MSetNx(CommandContext c)
    {
        if (c.Args.Count % 2 == 0)
        {
            c.WrongArity();
            return;
        }
        for (int i = 1; i < c.Args.Count; i += 2)
        {
            if (c.Db.Exists(c.Args[i]))
            {
                c.Reply.WriteRaw(RespLiterals.Zero);
                return;
            }
        }
        for (int i = 1; i < c.Args.Count; i += 2)
        {
            c.Db.Set(c.Args[i], ValueArray(c, i + 1));
            c.Notify(KeyspaceEventFlags.Strings, "set", c.Args[i]);
        }
        c.Reply.WriteRaw(RespLiterals.One);
    }

    private static void Append(CommandContext c)
    {
        int slot = c.Db.Lookup(c.Args[1]);
        object? stored = slot >= 0 ? c.Db.ValueAt(slot) : null;
        ReadOnlySpan<byte> suffix = c.Args[2];
        if (stored is null)
        {
            c.Keyspace.Stats.KeyspaceMisses++;
            c.Db.Set(c.Args[1], suffix.ToArray());
            c.Notify(KeyspaceEventFlags.Strings, "append", c.Args[1]);
            c.Reply.WriteInteger(suffix.Length);
            return;
        }
        c.Keyspace.Stats.KeyspaceHits++;
        if (Growing(c, stored) is not { } value)
        {
            return;
        }
        if (!CheckLength(c, value.Length, suffix.Length))
        {
            return;
        }
        // Grown in place with room to spare (sds's greedy growth): repeated APPENDs cost amortized O(total length).
        value.Append(suffix);
        c.Db.Overwrite(slot, value, StringEncoding.Raw);
        c.Notify(KeyspaceEventFlags.Strings, "append", c.Args[1]);
        c.Reply.WriteInteger(value.Length);
    }

    /// <summary>A string value as APPEND and SETRANGE grow it (WRONGTYPE written and null for another kind).</summary>
    private static GrowableString? Growing(CommandContext c, object stored)
    {
        switch (stored)
        {
            case GrowableString growing:
                return growing;
            case byte[] bytes:
                return GrowableString.From(bytes);
            default:
                c.Reply.WriteError(RespLiterals.WrongType);
                return null;
        }
    }

    /// <summary>Redis's checkStringLength: <paramref name="size"/> + <paramref name="append"/> within proto-max-bulk-len, overflow included.</summary>
    private static bool CheckLength(CommandContext c, long size, long append)
    {
        if (size > c.Server.Settings.ProtoMaxBulkLen - append)
        {
            c.Reply.WriteError(RespLiterals.StringTooLong);
            return false;
        }
        return true;
    }

    private static void StrLen(CommandContext c)
    {
        if (c.TryGetString(c.Args[1], out byte[]? value))
        {
            c.Reply.WriteInteger(value?.Length ?? 0);
        }
    }

    private static void GetRange(CommandContext c)
    {
        if (!c.TryInteger(2, out long start) || !c.TryInteger(3, out long end))
        {
            return;
        }
        if (!c.TryGetString(c.Args[1], out byte[]? value))
        {
            return;
        }
        long length = value?.Length ?? 0;
        if (start < 0 && end < 0 && start > end)
        {
            c.Reply.WriteBulk([]);
            return;
        }
        if (start < 0)
        {
            start += length;
        }
        if (end < 0)
        {
            end += length;
        }
        start = Math.Max(start, 0);
        end = Math.Max(end, 0);
        if (end >= length)
        {
            end = length - 1;
        }
        if (value is null || start > end || length == 0)
        {
            c.Reply.WriteBulk([]);
            return;
        }
        c.Reply.WriteBulk(value.AsSpan((int)start, (int)(end - start + 1)));
    }

    private static void SetRange(CommandContext c)
    {
        if (!c.TryInteger(2, out long offset))
        {
            return;
        }
        if (offset < 0)
        {
            c.Reply.WriteError(RespLiterals.OffsetOutOfRange);
            return;
        }
        int slot = c.Db.Lookup(c.Args[1]);
        object? stored = slot >= 0 ? c.Db.ValueAt(slot) : null;
        if (stored is null)
        {
            c.Keyspace.Stats.KeyspaceMisses++;
        }
        else
        {
            c.Keyspace.Stats.KeyspaceHits++;
        }
        GrowableString? value = null;
        if (stored is not null && (value = Growing(c, stored)) is null)
        {
            return;
        }
        ReadOnlySpan<byte> patch = c.Args[3];
        if (patch.Length == 0)
        {
            c.Reply.WriteInteger(value?.Length ?? 0); // nothing to write: an absent key stays absent
            return;
        }
        if (!CheckLength(c, offset, patch.Length))
        {
            return;
        }
        if (value is null)
        {
            byte[] created = new byte[offset + patch.Length];
            patch.CopyTo(created.AsSpan((int)offset));
            c.Db.Set(c.Args[1], created, encoding: StringEncoding.Raw);
            c.Notify(KeyspaceEventFlags.Strings, "setrange", c.Args[1]);
            c.Reply.WriteInteger(created.Length);
            return;
        }
        value.WriteAt(offset, patch);
        c.Db.Overwrite(slot, value, StringEncoding.Raw);
        c.Notify(KeyspaceEventFlags.Strings, "setrange", c.Args[1]);
        c.Reply.WriteInteger(value.Length);
    }

    private static void Incr(CommandContext c) => IncrementBy(c, 1);

    private static void Decr(CommandContext c) => IncrementBy(c, -1);

    private static void IncrBy(CommandContext c)
    {
        if (c.TryInteger(2, out long by))
        {
            IncrementBy(c, by);
        }
    }

    private static void DecrBy(CommandContext c)
    {
        if (!c.TryInteger(2, out long by))
        {
            return;
        }
        if (by == long.MinValue)
        {
            c.Reply.WriteError(RespLiterals.DecrementWouldOverflow);
            return;
        }
        IncrementBy(c, -by);
    }

    private static void IncrementBy(CommandContext c, long by)
    {
        if (!c.TryGetString(c.Args[1], out int slot, out byte[]? old))
        {
            return;
        }
        long current = 0;
        if (old is not null && !RespNumber.TryParseInt64(old, out current))
        {
            c.Reply.WriteError(RespLiterals.NotInteger);
            return;
        }
        if (!Int64Math.TryAdd(current, by, out long result))
        {
            c.Reply.WriteError(RespLiterals.Overflow);
            return;
        }
        Span<byte> digits = stackalloc byte[24];
        c.Db.SetString(slot, c.Args[1], digits[..RespNumber.Format(result, digits)], keepTtl: true);
        c.Notify(KeyspaceEventFlags.Strings, "incrby", c.Args[1]);
        c.Reply.WriteInteger(result);
    }

    private static void IncrByFloat(CommandContext c)
    {
        if (!c.TryGetString(c.Args[1], out byte[]? old))
        {
            return;
        }
        LongDouble current = LongDouble.Zero;
        if ((old is not null && !LongDouble.TryParse(old, out current)) || !LongDouble.TryParse(c.Args[2], out LongDouble by))
        {
            c.Reply.WriteError(RespLiterals.NotFloat);
            return;
        }
        LongDouble result = LongDouble.Add(current, by);
        if (!result.IsFinite)
        {
            c.Reply.WriteError(RespLiterals.IncrementWouldBeNaN);
            return;
        }
        byte[] stored = System.Text.Encoding.ASCII.GetBytes(result.ToHumanString());
        StoreKeepingTtl(c, old is not null, stored, StringEncoding.Created);
        c.Notify(KeyspaceEventFlags.Strings, "incrbyfloat", c.Args[1]);
        c.Reply.WriteBulk(stored);
    }

    private static void StoreKeepingTtl(CommandContext c, bool exists, byte[] value, StringEncoding encoding = StringEncoding.Auto)
    {
        if (exists)
        {
            c.Db.Overwrite(c.Db.Lookup(c.Args[1], touch: false), value, encoding);
        }
        else
        {
            c.Db.Set(c.Args[1], value, encoding: encoding);
        }
    }

    private static void WriteBulkOrNull(CommandContext c, byte[]? value)
    {
        if (value is null)
        {
            c.Reply.WriteNull();
        }
        else
        {
            c.Reply.WriteBulk(value);
        }
    }
}
