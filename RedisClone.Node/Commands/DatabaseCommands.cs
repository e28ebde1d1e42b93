using RedisClone.Node.Protocol;

namespace RedisClone.Node.Commands;

/// <summary>Numbered databases: SELECT, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB.</summary>
public static class DatabaseCommands
{
    public static void Register(CommandTable t)
    {
        t.Add(new("select", 2, CommandFlags.Loading | CommandFlags.Stale | CommandFlags.Fast, Select, "@keyspace @fast", new("Changes the selected database.", "1.0.0", "connection", "O(1)", "index:integer")));
        t.Add(new("dbsize", 1, CommandFlags.ReadOnly | CommandFlags.Fast, DbSize, "@keyspace @read @fast", new("Returns the number of keys in the database.", "1.0.0", "server", "O(1)")));
        t.Add(new("flushdb", -1, CommandFlags.Write, FlushDb, "@keyspace @write @slow @dangerous", new("Remove all keys from the current database.", "1.0.0", "server", "O(N) where N is the number of keys in the selected database", "[ASYNC|SYNC]")));
        t.Add(new("flushall", -1, CommandFlags.Write, FlushAll, "@keyspace @write @slow @dangerous", new("Removes all keys from all databases.", "1.0.0", "server", "O(N) where N is the total number of keys in all databases", "[ASYNC|SYNC]")));
        t.Add(new("swapdb", 3, CommandFlags.Write | CommandFlags.Fast, SwapDb, "@keyspace @write @fast @dangerous", new("Swaps two Redis databases.", "4.0.0", "server", "O(N) where N is the count of clients watching or blocking on keys from both databases.", "index1:integer index2:integer")));
    }

    private static void Select(CommandContext c)
    {
        if (!c.TryInt32(1, out int index))
        {
            return;
        }
        if (index < 0 || index >= c.Keyspace.Count)
        {
            c.Reply.WriteError(RespLiterals.DbIndexOutOfRange);
            return;
        }
        c.Client.DbIndex = index;
        c.Reply.WriteOk();
    }

    private static void DbSize(CommandContext c) => c.Reply.WriteInteger(c.Db.Count);

    private static bool TryFlushMode(CommandContext c)
    {
        if (c.Args.Count == 1 || (c.Args.Count == 2 && (c.ArgIs(1, "ASYNC"u8) || c.ArgIs(1, "SYNC"u8))))
        {
            return true; // both modes free memory before replying here; ASYNC is accepted for compatibility
        }
        c.SyntaxError();
        return false;
    }

    private static void FlushDb(CommandContext c)
    {
        if (TryFlushMode(c))
        {
            c.Db.Flush();
            c.Reply.WriteOk();
        }
    }

    private static void FlushAll(CommandContext c)
    {
        if (TryFlushMode(c))
        {
            c.Keyspace.FlushAll();
            c.Reply.WriteOk();
        }
    }

    private static void SwapDb(CommandContext c)
    {
        if (!c.TryInt32(1, out int first, "ERR invalid first DB index") || !c.TryInt32(2, out int second, "ERR invalid second DB index"))
        {
            return;
        }
        if (first < 0 || first >= c.Keyspace.Count || second < 0 || second >= c.Keyspace.Count)
        {
            c.Reply.WriteError(RespLiterals.DbIndexOutOfRange);
            return;
        }
        c.Keyspace.Swap(first, second);
        // Redis's scanDatabaseForReadyKeys: a client blocked on a key the swap brought in is served after the command.
        c.Server.Blocking.SignalStoredKeys(c.Keyspace[first]);
        c.Server.Blocking.SignalStoredKeys(c.Keyspace[second]);
        c.Reply.WriteOk();
    }
}
