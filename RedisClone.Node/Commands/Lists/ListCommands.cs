using RedisClone.Node.Clients;
using RedisClone.Node.Configuration;
using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;

namespace RedisClone.Node.Commands.Lists;

/// <summary>The list family: pushes and pops at both ends, ranges, positions and moves between lists.</summary>
internal static partial class ListCommands
{
    public const string CountOutOfRange = "ERR value is out of range, must be positive";

    public static void Register(CommandBindings t)
    {
        t.Add("lpush", c => Push(c, left: true, onlyExisting: false));
        t.Add("rpush", c => Push(c, left: false, onlyExisting: false));
        t.Add("lpushx", c => Push(c, left: true, onlyExisting: true));
        t.Add("rpushx", c => Push(c, left: false, onlyExisting: true));
        t.Add("lpop", c => Pop(c, left: true));
        t.Add("rpop", c => Pop(c, left: false));
        t.Add("llen", Length);
        t.Add("lrange", Range);
        t.Add("lindex", Index);
        t.Add("lset", SetAt);
        t.Add("linsert", Insert);
        t.Add("lrem", Remove);
        t.Add("ltrim", Trim);
        t.Add("lpos", Position);
        t.Add("lmove", Move);
        t.Add("rpoplpush", c => MoveBetween(c, left: false, toLeft: true));
        t.Add("lmpop", MultiPop);
        RegisterBlocking(t);
    }

    private static ListValue NewList(CommandContext c) => new(c.Server.Settings.Collections.ListMaxListpackSize);

    private static void Push(CommandContext c, bool left, bool onlyExisting)
    {
        ReadOnlySpan<byte> key = c.Args[1];
        if (!c.TryGetCollection(key, out _, out ListValue? list))
        {
            return;
        }
        if (list is null && onlyExisting)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        bool created = list is null;
        list ??= NewList(c);
        if (c.Args.Count > 3)
        {
            long bytes = 0;
            for (int i = 2; i < c.Args.Count; i++)
            {
                bytes += ListValue.EntrySize(c.Args[i].Length);
            }
            list.ReserveForPush(bytes, ListValue.EntrySize(c.Args[2].Length), left);
        }
        for (int i = 2; i < c.Args.Count; i++)
        {
            if (left)
            {
                list.PushLeft(c.Args[i]);
            }
            else
            {
                list.PushRight(c.Args[i]);
            }
        }
        if (created)
        {
            c.Db.Set(key, list);
        }
        else
        {
            c.Db.CollectionChanged(key, list);
        }
        c.Reply.WriteInteger(list.Count);
        c.Notify(KeyspaceEventFlags.List, left ? "lpush" : "rpush", key);
    }

    private static void Pop(CommandContext c, bool left)
    {
        if (c.Args.Count > 3)
        {
            c.WrongArity();
            return;
        }
        bool hasCount = c.Args.Count == 3;
        long count = 1;
        if (hasCount && (!RespNumber.TryParseInt64(c.Args[2], out count) || count < 0))
        {
            c.Reply.WriteError(CountOutOfRange);
            return;
        }
        ReadOnlySpan<byte> key = c.Args[1];
        if (!c.TryGetCollection(key, out _, out ListValue? list))
        {
            return;
        }
        if (list is null)
        {
            if (hasCount)
            {
                c.Reply.WriteNullArray();
            }
            else
            {
                c.Reply.WriteNull();
            }
            return;
        }
        if (!hasCount)
        {
            c.Reply.WriteBulk(list.Pop(left));
        }
        else
        {
            if (count == 0)
            {
                c.Reply.WriteArrayHeader(0);
                return;
            }
            int popped = (int)Math.Min(count, list.Count);
            c.Reply.WriteArrayHeader(popped);
            for (int i = 0; i < popped; i++)
            {
                c.Reply.WriteBulk(list.Pop(left));
            }
        }
        ElementsRemoved(c.Server, c.Db, c.Client, key, list, left ? "lpop" : "rpop");
    }

    /// <summary>After elements left a list: WATCH, the event, and the key's removal (with "del") when it is empty.</summary>
    internal static void ElementsRemoved(NodeServer server, Database db, ClientSession? who, ReadOnlySpan<byte> key, ListValue list, string eventName)
    {
        bool deleted = db.CollectionChanged(key, list);
        server.Notify(KeyspaceEventFlags.List, eventName, db.Index, key, who);
        if (deleted)
        {
            server.Notify(KeyspaceEventFlags.Generic, "del", db.Index, key, who);
        }
    }

    private static void Length(CommandContext c)
    {
        if (c.TryGetCollection(c.Args[1], out _, out ListValue? list))
        {
            c.Reply.WriteInteger(list?.Count ?? 0);
        }
    }

    private static void Range(CommandContext c)
    {
        if (!c.TryInteger(2, out long start) || !c.TryInteger(3, out long end))
        {
            return;
        }
        if (!c.TryGetCollection(c.Args[1], out _, out ListValue? list))
        {
            return;
        }
        if (!IndexRange.TryClamp(start, end, list?.Count ?? 0, out long first, out long last))
        {
            c.Reply.WriteArrayHeader(0);
            return;
        }
        int count = (int)(last - first + 1);
        c.Reply.WriteArrayHeader(count);
        ListValue.Position at = list!.Locate((int)first);
        c.Reply.WriteBulk(list.ElementAt(at));
        for (int i = 1; i < count; i++)
        {
            list.MoveNext(ref at);
            c.Reply.WriteBulk(list.ElementAt(at));
        }
    }

    private static void Index(CommandContext c)
    {
        if (!c.TryGetCollection(c.Args[1], out _, out ListValue? list))
        {
            return;
        }
        if (list is null)
        {
            c.Reply.WriteNull();
            return;
        }
        if (!c.TryInteger(2, out long index))
        {
            return;
        }
        if (index < 0)
        {
            index += list.Count;
        }
        if (index < 0 || index >= list.Count)
        {
            c.Reply.WriteNull();
            return;
        }
        c.Reply.WriteBulk(list.ElementAt(list.Locate((int)index)));
    }

    private static void SetAt(CommandContext c)
    {
        ReadOnlySpan<byte> key = c.Args[1];
        if (!c.TryGetCollection(key, out _, out ListValue? list))
        {
            return;
        }
        if (list is null)
        {
            c.Reply.WriteError(RespLiterals.NoSuchKey);
            return;
        }
        if (!c.TryInteger(2, out long index))
        {
            return;
        }
        if (index < 0)
        {
            index += list.Count;
        }
        if (index < 0 || index >= list.Count)
        {
            c.Reply.WriteError(RespLiterals.IndexOutOfRange);
            return;
        }
        list.Set((int)index, c.Args[3]);
        c.Db.CollectionChanged(key, list);
        c.Reply.WriteOk();
        c.Notify(KeyspaceEventFlags.List, "lset", key);
    }

    private static void Insert(CommandContext c)
    {
        bool after;
        if (c.ArgIs(2, "AFTER"u8))
        {
            after = true;
        }
        else if (c.ArgIs(2, "BEFORE"u8))
        {
            after = false;
        }
        else
        {
            c.SyntaxError();
            return;
        }
        ReadOnlySpan<byte> key = c.Args[1];
        if (!c.TryGetCollection(key, out _, out ListValue? list))
        {
            return;
        }
        if (list is null)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        ReadOnlySpan<byte> pivot = c.Args[3];
        ListValue.Position at = list.FirstPosition;
        do
        {
            if (list.ElementAt(at).SequenceEqual(pivot))
            {
                list.Insert(at, after, c.Args[4]);
                c.Db.CollectionChanged(key, list);
                c.Notify(KeyspaceEventFlags.List, "linsert", key);
                c.Reply.WriteInteger(list.Count);
                return;
            }
        }
        while (list.MoveNext(ref at));
        c.Reply.WriteInteger(-1);
    }

    private static void Remove(CommandContext c)
    {
        if (!c.TryInteger(2, out long count))
        {
            return;
        }
        ReadOnlySpan<byte> key = c.Args[1];
        if (!c.TryGetCollection(key, out _, out ListValue? list))
        {
            return;
        }
        if (list is null)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        // |long.MinValue| does not fit a long; as many as that is "all" for any list.
        long limit = count == long.MinValue ? long.MaxValue : Math.Abs(count);
        int removed = list.RemoveMatching(c.Args[3], limit, fromTail: count < 0);
        if (removed > 0)
        {
            ElementsRemoved(c.Server, c.Db, c.Client, key, list, "lrem");
        }
        c.Reply.WriteInteger(removed);
    }

    private static void Trim(CommandContext c)
    {
        if (!c.TryInteger(2, out long start) || !c.TryInteger(3, out long end))
        {
            return;
        }
        ReadOnlySpan<byte> key = c.Args[1];
        if (!c.TryGetCollection(key, out _, out ListValue? list))
        {
            return;
        }
        if (list is null)
        {
            c.Reply.WriteOk();
            return;
        }
        long length = list.Count;
        bool keepsAny = IndexRange.TryClamp(start, end, length, out long first, out long last);
        // Nothing kept: everything goes from the left.
        list.Trim(keepsAny ? (int)first : (int)length, keepsAny ? (int)(length - last - 1) : 0);
        ElementsRemoved(c.Server, c.Db, c.Client, key, list, "ltrim");
        c.Reply.WriteOk();
    }
}
