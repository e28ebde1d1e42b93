using RedisClone.Node.Clients;
using RedisClone.Node.Protocol;

namespace RedisClone.Node.Commands.Transactions;

/// <summary>MULTI/EXEC/DISCARD and optimistic locking with WATCH, with Redis's QUEUED and EXECABORT behaviour.</summary>
internal static class TransactionCommands
{
    public static void Register(CommandBindings t)
    {
        t.Add("multi", Multi);
        t.Add("exec", Exec);
        t.Add("discard", Discard);
        t.Add("watch", Watch);
        t.Add("unwatch", Unwatch);
    }

    private static void Multi(CommandContext c)
    {
        if (c.Client.InMulti)
        {
            c.Reply.WriteError(RespLiterals.MultiCannotBeNested);
            return;
        }
        c.Client.BeginMulti();
        c.Reply.WriteOk();
    }

    private static void Discard(CommandContext c)
    {
        if (!c.Client.InMulti)
        {
            c.Reply.WriteError(RespLiterals.DiscardWithoutMulti);
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
            c.Reply.WriteError(RespLiterals.WatchInsideMultiNotAllowed);
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
            c.Reply.WriteError(RespLiterals.ExecWithoutMulti);
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
