using RedisClone.Node.Configuration;
using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;
using RedisClone.Node.Util;

namespace RedisClone.Node.Commands.Keys;

/// <summary>Time to live: EXPIRE and its variants with NX/XX/GT/LT, TTL, EXPIRETIME and PERSIST.</summary>
internal static class ExpiryCommands
{
    public static void Register(CommandBindings t)
    {
        t.Add("expire", c => Expire(c, 1000, absolute: false));
        t.Add("pexpire", c => Expire(c, 1, absolute: false));
        t.Add("expireat", c => Expire(c, 1000, absolute: true));
        t.Add("pexpireat", c => Expire(c, 1, absolute: true));
        t.Add("ttl", c => Ttl(c, milliseconds: false));
        t.Add("pttl", c => Ttl(c, milliseconds: true));
        t.Add("expiretime", c => ExpireTime(c, milliseconds: false));
        t.Add("pexpiretime", c => ExpireTime(c, milliseconds: true));
        t.Add("persist", Persist);
    }

    [Flags]
    private enum Condition
    {
        None = 0,
        Nx = 1,
        Xx = 2,
        Gt = 4,
        Lt = 8,
    }

    /// <summary>Redis's expireGenericCommand.</summary>
    private static void Expire(CommandContext c, long unitMs, bool absolute)
    {
        Condition condition = Condition.None;
        for (int i = 3; i < c.Args.Count; i++)
        {
            if (c.ArgIs(i, "NX"u8))
            {
                condition |= Condition.Nx;
            }
            else if (c.ArgIs(i, "XX"u8))
            {
                condition |= Condition.Xx;
            }
            else if (c.ArgIs(i, "GT"u8))
            {
                condition |= Condition.Gt;
            }
            else if (c.ArgIs(i, "LT"u8))
            {
                condition |= Condition.Lt;
            }
            else
            {
                c.Reply.WriteError($"ERR Unsupported option {c.ArgString(i)}");
                return;
            }
        }
        if (condition.HasFlag(Condition.Nx) && (condition & (Condition.Xx | Condition.Gt | Condition.Lt)) != 0)
        {
            c.Reply.WriteError(RespLiterals.NxWithXxGtLtIncompatible);
            return;
        }
        if (condition.HasFlag(Condition.Gt) && condition.HasFlag(Condition.Lt))
        {
            c.Reply.WriteError(RespLiterals.GtAndLtIncompatible);
            return;
        }
        if (!c.TryInteger(2, out long when))
        {
            return;
        }
        if (when > long.MaxValue / unitMs || when < long.MinValue / unitMs)
        {
            c.Reply.WriteError(RespLiterals.InvalidExpire(c.Command.FullName));
            return;
        }
        when *= unitMs;
        if (!absolute)
        {
            if (!Int64Math.TryAdd(when, c.Now, out when))
            {
                c.Reply.WriteError(RespLiterals.InvalidExpire(c.Command.FullName));
                return;
            }
        }
        Database db = c.Db;
        int slot = db.Lookup(c.Args[1], touch: false);
        if (slot < 0)
        {
            c.Reply.WriteRaw(RespLiterals.Zero);
            return;
        }
        long current = db.ExpireAtSlot(slot);
        bool hasTtl = current != KeyTable.NoExpiry;
        bool refused = condition switch
        {
            Condition.Nx => hasTtl,
            Condition.Xx => !hasTtl,
            Condition.Gt => !hasTtl || when <= current,
            Condition.Lt => hasTtl && when >= current,
            Condition.Xx | Condition.Gt => !hasTtl || when <= current,
            Condition.Xx | Condition.Lt => !hasTtl || when >= current,
            _ => false,
        };
        if (refused)
        {
            c.Reply.WriteRaw(RespLiterals.Zero);
            return;
        }
        if (when <= c.Now)
        {
            db.Delete(c.Args[1]); // a due time in the past deletes the key at once
            c.Notify(KeyspaceEventFlags.Generic, "del", c.Args[1]);
        }
        else
        {
            db.ChangeExpireAt(slot, when);
            c.Notify(KeyspaceEventFlags.Generic, "expire", c.Args[1]);
        }
        c.Reply.WriteRaw(RespLiterals.One);
    }

    private static void Ttl(CommandContext c, bool milliseconds)
    {
        if (TryDueTime(c, out long expireAt))
        {
            long remaining = Math.Max(0, expireAt - c.Now);
            c.Reply.WriteInteger(milliseconds ? remaining : (remaining + 500) / 1000);
        }
    }

    private static void ExpireTime(CommandContext c, bool milliseconds)
    {
        if (TryDueTime(c, out long expireAt))
        {
            c.Reply.WriteInteger(milliseconds ? expireAt : (long)(((ulong)expireAt + 500) / 1000));
        }
    }

    /// <summary>The key's due time; otherwise writes -2 (no key) or -1 (no TTL), as TTL and EXPIRETIME answer.</summary>
    private static bool TryDueTime(CommandContext c, out long expireAt)
    {
        expireAt = 0;
        int slot = c.Db.Lookup(c.Args[1], touch: false);
        if (slot < 0)
        {
            c.Reply.WriteRaw(RespLiterals.MinusTwo);
            return false;
        }
        expireAt = c.Db.ExpireAtSlot(slot);
        if (expireAt == KeyTable.NoExpiry)
        {
            c.Reply.WriteRaw(RespLiterals.MinusOne);
            return false;
        }
        return true;
    }

    private static void Persist(CommandContext c)
    {
        int slot = c.Db.Lookup(c.Args[1], touch: false);
        if (slot < 0 || c.Db.ExpireAtSlot(slot) == KeyTable.NoExpiry)
        {
            c.Reply.WriteRaw(RespLiterals.Zero);
            return;
        }
        c.Db.ChangeExpireAt(slot, KeyTable.NoExpiry);
        c.Notify(KeyspaceEventFlags.Generic, "persist", c.Args[1]);
        c.Reply.WriteRaw(RespLiterals.One);
    }
}
