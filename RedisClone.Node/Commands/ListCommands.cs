using RedisClone.Node.Protocol;
using RedisClone.Node.PubSub;
using RedisClone.Node.Storage;

namespace RedisClone.Node.Commands;

/// <summary>The list family: pushes and pops at both ends, ranges, positions and moves between lists.</summary>
public static partial class ListCommands
{
    private const CommandFlags WriteFast = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;
    private const string PushComplexity = "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.";

    public const string CountOutOfRange = "ERR value is out of range, must be positive";

    public static void Register(CommandTable t)
    {
        t.Add(new("lpush", -3, WriteFast, c => Push(c, left: true, onlyExisting: false), "@write @list @fast", new("Prepend one or multiple elements to a list", "1.0.0", "list", PushComplexity, "key element...")) { FirstKey = 1, LastKey = 1, KeyStep = 1 });
        t.Add(new("rpush", -3, WriteFast, c => Push(c, left: false, onlyExisting: false), "@write @list @fast", new("Append one or multiple elements to a list", "1.0.0", "list", PushComplexity, "key element...")) { FirstKey = 1, LastKey = 1, KeyStep = 1 });
        t.Add(new("lpushx", -3, WriteFast, c => Push(c, left: true, onlyExisting: true), "@write @list @fast", new("Prepend an element to a list, only if the list exists", "2.2.0", "list", PushComplexity, "key element...")) { FirstKey = 1, LastKey = 1, KeyStep = 1 });
        t.Add(new("rpushx", -3, WriteFast, c => Push(c, left: false, onlyExisting: true), "@write @list @fast", new("Append an element to a list, only if the list exists", "2.2.0", "list", PushComplexity, "key element...")) { FirstKey = 1, LastKey = 1, KeyStep = 1 });
        t.Add(new("lpop", -2, CommandFlags.Write | CommandFlags.Fast, c => Pop(c, left: true), "@write @list @fast", new("Remove and get the first elements in a list", "1.0.0", "list", "O(N) where N is the number of elements returned", "key [count:integer]")) { FirstKey = 1, LastKey = 1, KeyStep = 1 });
        t.Add(new("rpop", -2, CommandFlags.Write | CommandFlags.Fast, c => Pop(c, left: false), "@write @list @fast", new("Remove and get the last elements in a list", "1.0.0", "list", "O(N) where N is the number of elements returned", "key [count:integer]")) { FirstKey = 1, LastKey = 1, KeyStep = 1 });
        t.Add(new("llen", 2, CommandFlags.ReadOnly | CommandFlags.Fast, Length, "@read @list @fast", new("Get the length of a list", "1.0.0", "list", "O(1)", "key")) { FirstKey = 1, LastKey = 1, KeyStep = 1 });
        t.Add(new("lrange", 4, CommandFlags.ReadOnly, Range, "@read @list @slow", new("Get a range of elements from a list", "1.0.0", "list",
            "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.", "key start:integer stop:integer")) { FirstKey = 1, LastKey = 1, KeyStep = 1 });
        t.Add(new("lindex", 3, CommandFlags.ReadOnly, Index, "@read @list @slow", new("Get an element from a list by its index", "1.0.0", "list",
            "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).", "key index:integer")) { FirstKey = 1, LastKey = 1, KeyStep = 1 });
        t.Add(new("lset", 4, CommandFlags.Write | CommandFlags.DenyOom, SetAt, "@write @list @slow", new("Set the value of an element in a list by its index", "1.0.0", "list",
            "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).", "key index:integer element")) { FirstKey = 1, LastKey = 1, KeyStep = 1 });
        t.Add(new("linsert", 5, CommandFlags.Write | CommandFlags.DenyOom, Insert, "@write @list @slow", new("Insert an element before or after another element in a list", "2.2.0", "list",
            "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
            "key BEFORE|AFTER pivot element")) { FirstKey = 1, LastKey = 1, KeyStep = 1 });
        t.Add(new("lrem", 4, CommandFlags.Write, Remove, "@write @list @slow", new("Remove elements from a list", "1.0.0", "list",
            "O(N+M) where N is the length of the list and M is the number of elements removed.", "key count:integer element")) { FirstKey = 1, LastKey = 1, KeyStep = 1 });
        t.Add(new("ltrim", 4, CommandFlags.Write, Trim, "@write @list @slow", new("Trim a list to the specified range", "1.0.0", "list",
            "O(N) where N is the number of elements to be removed by the operation.", "key start:integer stop:integer")) { FirstKey = 1, LastKey = 1, KeyStep = 1 });
        t.Add(new("lpos", -3, CommandFlags.ReadOnly, Position, "@read @list @slow", new("Return the index of matching elements on a list", "6.0.6", "list",
            "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.",
            "key element [RANK rank:integer] [COUNT num-matches:integer] [MAXLEN len:integer]")) { FirstKey = 1, LastKey = 1, KeyStep = 1 });
        t.Add(new("lmove", 5, CommandFlags.Write | CommandFlags.DenyOom, Move, "@write @list @slow", new("Pop an element from a list, push it to another list and return it", "6.2.0", "list", "O(1)",
            "source:key destination:key LEFT|RIGHT LEFT|RIGHT")) { FirstKey = 1, LastKey = 2, KeyStep = 1 });
        t.Add(new("rpoplpush", 3, CommandFlags.Write | CommandFlags.DenyOom, c => MoveBetween(c, left: false, toLeft: true), "@write @list @slow", new("Remove the last element in a list, prepend it to another list and return it", "1.2.0", "list", "O(1)",
            "source:key destination:key")) { FirstKey = 1, LastKey = 2, KeyStep = 1 });
        t.Add(new("lmpop", -4, CommandFlags.Write | CommandFlags.MovableKeys, MultiPop, "@write @list @slow", new("Pop elements from a list", "7.0.0", "list",
            "O(N+M) where N is the number of provided keys and M is the number of elements returned.", "numkeys:integer key... LEFT|RIGHT [COUNT count:integer]")));
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
    internal static void ElementsRemoved(Server.NodeServer server, Database db, Server.ClientSession? who, ReadOnlySpan<byte> key, ListValue list, string eventName)
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
        long length = list?.Count ?? 0;
        if (start < 0)
        {
            start += length;
        }
        if (end < 0)
        {
            end += length;
        }
        if (start < 0)
        {
            start = 0;
        }
        if (start > end || start >= length)
        {
            c.Reply.WriteArrayHeader(0);
            return;
        }
        if (end >= length)
        {
            end = length - 1;
        }
        int count = (int)(end - start + 1);
        c.Reply.WriteArrayHeader(count);
        ListValue.Position at = list!.Locate((int)start);
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
            c.Reply.WriteError("ERR no such key");
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
            c.Reply.WriteError("ERR index out of range");
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
        if (start < 0)
        {
            start += length;
        }
        if (end < 0)
        {
            end += length;
        }
        if (start < 0)
        {
            start = 0;
        }
        long removeLeft, removeRight;
        if (start > end || start >= length)
        {
            removeLeft = length;
            removeRight = 0;
        }
        else
        {
            if (end >= length)
            {
                end = length - 1;
            }
            removeLeft = start;
            removeRight = length - end - 1;
        }
        list.Trim((int)removeLeft, (int)removeRight);
        ElementsRemoved(c.Server, c.Db, c.Client, key, list, "ltrim");
        c.Reply.WriteOk();
    }
}
