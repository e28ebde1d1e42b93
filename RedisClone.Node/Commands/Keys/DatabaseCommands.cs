using RedisClone.Node.Protocol;

namespace RedisClone.Node.Commands.Keys;

/// <summary>Numbered databases: SELECT, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB.</summary>
internal static class DatabaseCommands
{
    public static void Register(CommandBindings t)
    {
        t.Add("select", Select);
        t.Add("dbsize", DbSize);
        t.Add("flushdb", FlushDb);
        t.Add("flushall", FlushAll);
        t.Add("swapdb", SwapDb);
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
