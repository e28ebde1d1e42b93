using System.Text;
using RedisClone.Node.Configuration;
using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;
using RedisClone.Node.Util;

namespace RedisClone.Node.Commands.Keys;

/// <summary>The generic key family: existence, deletion, iteration, renaming, copying and OBJECT.</summary>
internal static class KeyCommands
{
    public static void Register(CommandBindings t)
    {
        t.Add("del", Del);
        t.Add("unlink", Del);
        t.Add("exists", Exists);
        t.Add("type", Type);
        t.Add("keys", Keys);
        t.Add("scan", Scan);
        t.Add("rename", Rename);
        t.Add("renamenx", RenameNx);
        t.Add("copy", Copy);
        t.Add("move", Move);
        t.Add("randomkey", RandomKey);
        t.Add("touch", Touch);
        t.AddContainer("object");
        t.Add("object|encoding", ObjectEncoding);
        t.Add("object|freq", ObjectFreq);
        t.Add("object|idletime", ObjectIdleTime);
        t.Add("object|refcount", ObjectRefCount);
        t.Add("object|help", ObjectHelp);
    }

    private static void Del(CommandContext c)
    {
        long deleted = 0;
        for (int i = 1; i < c.Args.Count; i++)
        {
            if (c.Db.Delete(c.Args[i]))
            {
                c.Notify(KeyspaceEventFlags.Generic, "del", c.Args[i]);
                deleted++;
            }
        }
        c.Reply.WriteInteger(deleted);
    }

    private static void Exists(CommandContext c)
    {
        long found = 0;
        for (int i = 1; i < c.Args.Count; i++)
        {
            if (Counted(c, c.Db.Exists(c.Args[i])))
            {
                found++; // a key named twice counts twice, as in Redis
            }
        }
        c.Reply.WriteInteger(found);
    }

    /// <summary>EXISTS, TYPE and TOUCH look keys up as Redis's lookupKeyRead does: INFO's keyspace_hits/misses count them.</summary>
    private static bool Counted(CommandContext c, bool found)
    {
        if (found)
        {
            c.Keyspace.Stats.KeyspaceHits++;
        }
        else
        {
            c.Keyspace.Stats.KeyspaceMisses++;
        }
        return found;
    }

    private static void Touch(CommandContext c)
    {
        long found = 0;
        for (int i = 1; i < c.Args.Count; i++)
        {
            if (Counted(c, c.Db.Lookup(c.Args[i], touch: true) >= 0))
            {
                found++;
            }
        }
        c.Reply.WriteInteger(found);
    }

    /// <summary>The name TYPE reports; every value kind the node stores is listed here.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "none",
        byte[] or GrowableString => "string",
        CollectionValue collection => collection.TypeName,
        _ => throw new InvalidOperationException($"unknown value kind {value.GetType().Name}"),
    };

    private static void Type(CommandContext c)
    {
        object? value = c.Db.Get(c.Args[1], touch: false);
        Counted(c, value is not null);
        c.Reply.WriteSimpleString(TypeName(value));
    }

    private static void Keys(CommandContext c)
    {
        ReadOnlySpan<byte> pattern = c.Args[1];
        bool all = pattern.Length == 1 && pattern[0] == '*';
        Database db = c.Db;
        var matches = new List<byte[]>();
        foreach (int slot in db.Slots())
        {
            byte[] key = db.KeyAt(slot);
            if ((all || GlobMatcher.IsMatch(pattern, key)) && !IsDue(db, slot, c.Now))
            {
                matches.Add(key);
            }
        }
        c.Reply.WriteArrayHeader(matches.Count);
        foreach (byte[] key in matches)
        {
            c.Reply.WriteBulk(key);
        }
    }

    private static bool IsDue(Database db, int slot, long now)
    {
        long expireAt = db.ExpireAtSlot(slot);
        return expireAt != KeyTable.NoExpiry && expireAt <= now;
    }

    private static void Scan(CommandContext c)
    {
        if (!TryParseCursor(c.Args[1], out ulong cursor))
        {
            c.Reply.WriteError(RespLiterals.InvalidCursor);
            return;
        }
        byte[]? pattern = null;
        string? type = null;
        long count = 10;
        for (int i = 2; i < c.Args.Count; i += 2)
        {
            if (i + 1 >= c.Args.Count)
            {
                c.SyntaxError();
                return;
            }
            if (c.ArgIs(i, "COUNT"u8))
            {
                if (!c.TryInteger(i + 1, out count))
                {
                    return;
                }
                if (count < 1)
                {
                    c.SyntaxError();
                    return;
                }
            }
            else if (c.ArgIs(i, "MATCH"u8))
            {
                pattern = c.Args.ToArray(i + 1);
            }
            else if (c.ArgIs(i, "TYPE"u8))
            {
                type = c.ArgString(i + 1).ToLowerInvariant();
            }
            else
            {
                c.SyntaxError();
                return;
            }
        }
        Database db = c.Db;
        var slots = new List<int>();
        ulong next = db.Scan(cursor, (int)Math.Min(count, int.MaxValue / 16), slots);
        var keys = new List<byte[]>(slots.Count);
        foreach (int slot in slots)
        {
            byte[] key = db.KeyAt(slot);
            if (IsDue(db, slot, c.Now)
                || (pattern is not null && !(pattern is [(byte)'*'] || GlobMatcher.IsMatch(pattern, key)))
                || (type is not null && TypeName(db.ValueAt(slot)) != type))
            {
                continue;
            }
            keys.Add(key);
        }
        c.Reply.WriteArrayHeader(2);
        c.Reply.WriteBulk(Encoding.ASCII.GetBytes(next.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        c.Reply.WriteArrayHeader(keys.Count);
        foreach (byte[] key in keys)
        {
            c.Reply.WriteBulk(key);
        }
    }

    /// <summary>
    /// Redis's parseScanCursorOrReply, which is strtoul: an optional sign (a negative cursor wraps around), base-10
    /// digits up to the end of the C string, no leading space, no overflow; an empty cursor reads as 0.
    /// </summary>
    internal static bool TryParseCursor(ReadOnlySpan<byte> text, out ulong cursor)
    {
        cursor = 0;
        int nul = text.IndexOf((byte)0);
        if (nul >= 0)
        {
            text = text[..nul];
        }
        if (text.Length == 0)
        {
            return true;
        }
        int p = text[0] is (byte)'+' or (byte)'-' ? 1 : 0;
        if (p == text.Length || !char.IsAsciiDigit((char)text[p]))
        {
            return false; // no digits: strtoul stops at the first byte, which is not the end (leading spaces land here too)
        }
        ulong value = 0;
        for (; p < text.Length; p++)
        {
            uint digit = (uint)(text[p] - '0');
            if (digit > 9 || value > (ulong.MaxValue - digit) / 10)
            {
                return false;
            }
            value = value * 10 + digit;
        }
        cursor = text[0] == '-' ? unchecked(0 - value) : value;
        return true;
    }

    private static void Rename(CommandContext c) => RenameGeneric(c, onlyIfAbsent: false);

    private static void RenameNx(CommandContext c) => RenameGeneric(c, onlyIfAbsent: true);

    private static void RenameGeneric(CommandContext c, bool onlyIfAbsent)
    {
        Database db = c.Db;
        int slot = db.Lookup(c.Args[1], touch: false);
        if (slot < 0)
        {
            c.Reply.WriteError(RespLiterals.NoSuchKey);
            return;
        }
        if (c.Args[1].SequenceEqual(c.Args[2]))
        {
            if (onlyIfAbsent)
            {
                c.Reply.WriteRaw(RespLiterals.Zero);
            }
            else
            {
                c.Reply.WriteOk();
            }
            return;
        }
        object value = db.ValueAt(slot);
        long expireAt = db.ExpireAtSlot(slot);
        StringEncoding encoding = db.EncodingAt(slot);
        if (onlyIfAbsent && db.Exists(c.Args[2]))
        {
            c.Reply.WriteRaw(RespLiterals.Zero);
            return;
        }
        db.Delete(c.Args[1]);
        db.Set(c.Args[2], value, expireAt, encoding: encoding);
        c.Notify(KeyspaceEventFlags.Generic, "rename_from", c.Args[1]);
        c.Notify(KeyspaceEventFlags.Generic, "rename_to", c.Args[2]);
        if (onlyIfAbsent)
        {
            c.Reply.WriteRaw(RespLiterals.One);
        }
        else
        {
            c.Reply.WriteOk();
        }
    }

    private static void Copy(CommandContext c)
    {
        Database target = c.Db;
        bool replace = false;
        for (int i = 3; i < c.Args.Count; i++)
        {
            if (c.ArgIs(i, "REPLACE"u8))
            {
                replace = true;
            }
            else if (c.ArgIs(i, "DB"u8) && i + 1 < c.Args.Count)
            {
                if (!c.TryInt32(++i, out int index))
                {
                    return;
                }
                if (index < 0 || index >= c.Keyspace.Count)
                {
                    c.Reply.WriteError(RespLiterals.DbIndexOutOfRange);
                    return;
                }
                target = c.Keyspace[index];
            }
            else
            {
                c.SyntaxError();
                return;
            }
        }
        if (target == c.Db && c.Args[1].SequenceEqual(c.Args[2]))
        {
            c.Reply.WriteError(RespLiterals.SourceIsDestination);
            return;
        }
        int slot = c.Db.Lookup(c.Args[1], touch: false);
        if (slot < 0 || (!replace && target.Exists(c.Args[2])))
        {
            c.Reply.WriteRaw(RespLiterals.Zero);
            return;
        }
        object copy = CopyValue(c.Db.ValueAt(slot));
        long expireAt = c.Db.ExpireAtSlot(slot);
        target.Set(c.Args[2], copy, expireAt, encoding: CopyEncoding(c.Db.ValueAt(slot), c.Db.EncodingAt(slot)));
        c.Notify(KeyspaceEventFlags.Generic, "copy_to", target, c.Args[2]);
        c.Reply.WriteRaw(RespLiterals.One);
    }

    /// <summary>Redis's dupStringObject keeps the encoding, but an int copy is a new object, not a shared integer.</summary>
    private static StringEncoding CopyEncoding(object value, StringEncoding encoding) =>
        encoding == StringEncoding.Auto && value is byte[] bytes && IsIntEncoded(bytes, out _) ? StringEncoding.OwnInteger : encoding;

    private static object CopyValue(object value) => value switch
    {
        byte[] bytes => bytes.Clone(),
        GrowableString growing => growing.Span.ToArray(),
        CollectionValue collection => collection.Clone(),
        _ => throw new InvalidOperationException($"unknown value kind {value.GetType().Name}"),
    };

    private static void Move(CommandContext c)
    {
        if (!c.TryInt32(2, out int index))
        {
            return;
        }
        if (index < 0 || index >= c.Keyspace.Count)
        {
            c.Reply.WriteError(RespLiterals.DbIndexOutOfRange);
            return;
        }
        Database target = c.Keyspace[index];
        if (target == c.Db)
        {
            c.Reply.WriteError(RespLiterals.SourceIsDestination);
            return;
        }
        int slot = c.Db.Lookup(c.Args[1], touch: false);
        if (slot < 0 || target.Exists(c.Args[1]))
        {
            c.Reply.WriteRaw(RespLiterals.Zero);
            return;
        }
        object value = c.Db.ValueAt(slot);
        long expireAt = c.Db.ExpireAtSlot(slot);
        StringEncoding encoding = c.Db.EncodingAt(slot);
        c.Db.Delete(c.Args[1]);
        target.Set(c.Args[1], value, expireAt, encoding: encoding);
        c.Notify(KeyspaceEventFlags.Generic, "move_from", c.Args[1]);
        c.Notify(KeyspaceEventFlags.Generic, "move_to", target, c.Args[1]);
        c.Reply.WriteRaw(RespLiterals.One);
    }

    private static void RandomKey(CommandContext c)
    {
        byte[]? key = c.Db.RandomKey(c.Keyspace.Random);
        if (key is null)
        {
            c.Reply.WriteNull();
        }
        else
        {
            c.Reply.WriteBulk(key);
        }
    }

    private static bool TryObjectSlot(CommandContext c, out int slot)
    {
        slot = c.Db.Lookup(c.Args[2], touch: false);
        if (slot < 0)
        {
            c.Reply.WriteNull();
            return false;
        }
        return true;
    }

    /// <summary>
    /// Redis's string encodings: a value stored as sent is int when it reads as a 64-bit integer, embstr up to 44 bytes
    /// and raw beyond (tryObjectEncoding); one the server built is embstr or raw by length; one changed in place is raw.
    /// </summary>
    public static string EncodingOf(object value, StringEncoding encoding) => (value, encoding) switch
    {
        (byte[], StringEncoding.Raw) => "raw",
        (byte[], StringEncoding.OwnInteger) => "int",
        (byte[] bytes, StringEncoding.Auto) when IsIntEncoded(bytes, out _) => "int",
        (byte[] bytes, _) when bytes.Length <= EmbstrSizeLimit => "embstr",
        (byte[], _) => "raw",
        (GrowableString, _) => "raw",
        (CollectionValue collection, _) => collection.EncodingName,
        _ => throw new InvalidOperationException($"unknown value kind {value.GetType().Name}"),
    };

    // Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT and OBJ_SHARED_INTEGERS.
    private const int EmbstrSizeLimit = 44;
    private const long SharedIntegers = 10000;

    private static bool IsIntEncoded(byte[] bytes, out long value)
    {
        value = 0;
        return bytes.Length <= 20 && RespNumber.TryParseInt64(bytes, out value);
    }

    private static void ObjectEncoding(CommandContext c)
    {
        if (TryObjectSlot(c, out int slot))
        {
            c.Reply.WriteBulk(EncodingOf(c.Db.ValueAt(slot), c.Db.EncodingAt(slot)));
        }
    }

    private static void ObjectFreq(CommandContext c)
    {
        if (TryObjectSlot(c, out _))
        {
            // The node has no maxmemory policy, so like Redis under an LRU/no-eviction policy it tracks no frequency.
            c.Reply.WriteError(RespLiterals.LfuPolicyNotSelected);
        }
    }

    private static void ObjectIdleTime(CommandContext c)
    {
        if (TryObjectSlot(c, out int slot))
        {
            c.Reply.WriteInteger(c.Keyspace.ClockSeconds - c.Db.LastAccessAt(slot));
        }
    }

    private static void ObjectRefCount(CommandContext c)
    {
        if (TryObjectSlot(c, out int slot))
        {
            // Redis stores 0..9999 as shared integer objects, whose reference count is pinned at INT_MAX.
            bool shared = c.Db.ValueAt(slot) is byte[] bytes && c.Db.EncodingAt(slot) == StringEncoding.Auto
                && IsIntEncoded(bytes, out long value) && value is >= 0 and < SharedIntegers;
            c.Reply.WriteInteger(shared ? int.MaxValue : 1);
        }
    }

    private static void ObjectHelp(CommandContext c) => HelpText.Write(c, "OBJECT",
        "ENCODING <key>", "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>", "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>", "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>", "    Return the number of references of the value associated with the specified",
        "    <key>.");
}
