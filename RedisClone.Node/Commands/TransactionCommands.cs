using RedisClone.Node.Protocol;
using RedisClone.Node.Server;

namespace RedisClone.Node.Commands;

/// <summary>MULTI/EXEC/DISCARD and optimistic locking with WATCH, with Redis's QUEUED and EXECABORT behaviour.</summary>
public static class TransactionCommands
{
    private const CommandFlags Control = CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale | CommandFlags.Fast
        | CommandFlags.AllowBusy | CommandFlags.TransactionControl;

    public static void Register(CommandTable t)
    {
        t.Add(new("multi", 1, Control, Multi, "@fast @transaction", new("Starts a transaction.", "1.2.0", "transactions", "O(1)")));
        t.Add(new("exec", 1, (Control & ~CommandFlags.Fast) | CommandFlags.SkipSlowlog, Exec, "@slow @transaction", new("Executes all commands in a transaction.", "1.2.0", "transactions", "Depends on commands in the transaction")));
        t.Add(new("discard", 1, Control, Discard, "@fast @transaction", new("Discards a transaction.", "2.0.0", "transactions", "O(N), when N is the number of queued commands")));
        t.Add(new("watch", -2, Control, Watch, "@fast @transaction", new("Monitors changes to keys to determine the execution of a transaction.", "2.2.0", "transactions", "O(1) for every key.", "key...")) { FirstKey = 1, LastKey = -1, KeyStep = 1 });
        t.Add(new("unwatch", 1, Control & ~CommandFlags.TransactionControl, Unwatch, "@fast @transaction", new("Forgets about watched keys of a transaction.", "2.2.0", "transactions", "O(1)")));
    }

    private static void Multi(CommandContext c)
    {
        if (c.Client.InMulti)
        {
            c.Reply.WriteError("ERR MULTI calls can not be nested");
            return;
        }
        c.Client.BeginMulti();
        c.Reply.WriteOk();
    }

    private static void Discard(CommandContext c)
    {
        if (!c.Client.InMulti)
        {
            c.Reply.WriteError("ERR DISCARD without MULTI");
            return;
        }
        c.Client.EndMulti();
        c.Client.UnwatchAll();
        c.Reply.WriteOk();
    }

    private static void Watch(CommandContext c)
    {
        if (c.Client.InMulti)
        {
            c.Reply.WriteError("ERR WATCH inside MULTI is not allowed");
            return;
        }
        for (int i = 1; i < c.Args.Count; i++)
        {
            c.Client.Watch(c.Db, c.Args.ToArray(i));
        }
        c.Reply.WriteOk();
    }

    private static void Unwatch(CommandContext c)
    {
        c.Client.UnwatchAll();
        c.Reply.WriteOk();
    }

    private static void Exec(CommandContext c)
    {
        ClientSession client = c.Client;
        if (!client.InMulti)
        {
            c.Reply.WriteError("ERR EXEC without MULTI");
            return;
        }
        List<byte[][]> queued = client.Queued!;
        bool failed = client.TransactionFailed;
        client.EndMulti();
        if (failed)
        {
            client.UnwatchAll();
            c.Reply.WriteError(RespLiterals.ExecAbort);
            return;
        }
        if (client.AnyWatchedKeyExpired())
        {
            client.UnwatchAll();
            c.Reply.WriteNullArray();
            return;
        }
        client.UnwatchAll();
        // Monitors see EXEC itself after its commands, as sent: keep its name past the queued commands' arguments.
        byte[]? execName = c.Server.Monitors.Active ? c.Args.ToArray(0) : null;
        c.Reply.WriteArrayHeader(queued.Count);
        c.RunningTransaction = true;
        try
        {
            foreach (byte[][] args in queued)
            {
                c.Args.Load(args);
                CommandDefinition command = c.Server.Commands.Find(args[0])!;
                if (command.Subcommands is not null && args.Length > 1)
                {
                    command = command.FindSubcommand(args[1])!;
                }
                CommandDispatcher.Run(c, command);
            }
        }
        finally
        {
            c.RunningTransaction = false;
        }
        if (execName is not null)
        {
            c.Args.Load([execName]);
        }
    }
}
