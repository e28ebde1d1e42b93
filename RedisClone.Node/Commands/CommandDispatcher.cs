using System.Diagnostics;
using System.Text;
using RedisClone.Node.Clients;
using RedisClone.Node.Observability;
using RedisClone.Node.Protocol;

namespace RedisClone.Node.Commands;

/// <summary>
/// Redis's processCommand: lookup, arity, authentication, subscribed-mode and transaction rules, then the handler.
/// Runs under the keyspace lock.
/// </summary>
internal static class CommandDispatcher
{
    public static void Execute(CommandContext context)
    {
        CommandArguments args = context.Args;
        ClientSession client = context.Client;
        RespWriter reply = context.Reply;
        NodeServer server = context.Server;

        CommandDefinition? command = context.FindCommand(args[0]);
        if (command is null)
        {
            // Redis's lastcmd is set at lookup, so CLIENT LIST shows what was last looked up, queued or refused ones too.
            client.LastCommand = "NULL";
            Reject(context, null, UnknownCommand(args));
            return;
        }
        client.LastCommand = command.FullName;
        if (!command.ArityAccepts(args.Count))
        {
            Reject(context, command, RespLiterals.WrongArity(command.FullName));
            return;
        }
        if (command.Subcommands is not null && args.Count > 1)
        {
            CommandDefinition? sub = command.FindSubcommand(args[1]);
            if (sub is null)
            {
                client.LastCommand = "NULL";
                Reject(context, null, RespLiterals.UnknownSubcommand(args[1], command.Name));
                return;
            }
            client.LastCommand = sub.FullName;
            if (!sub.ArityAccepts(args.Count))
            {
                Reject(context, sub, RespLiterals.WrongArity(sub.FullName));
                return;
            }
            command = sub;
        }
        context.Command = command;

        if (!client.Authenticated && !(command.Parent ?? command).Has(CommandFlags.NoAuth))
        {
            Reject(context, command, RespLiterals.NoAuth);
            return;
        }
        if (!reply.IsResp3 && client.SubscriptionCount > 0 && !command.Has(CommandFlags.AllowedWhenSubscribed))
        {
            Reject(context, command, $"ERR Can't execute '{command.FullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return;
        }
        if (client.IsMonitor && command.Has(CommandFlags.ReadOnly | CommandFlags.Write | CommandFlags.MayReplicate))
        {
            // A monitor counts as a replica in Redis, and a replica may not touch the keyspace.
            Reject(context, command, "ERR Replica can't interact with the keyspace");
            return;
        }
        if (client.InMulti && !command.Has(CommandFlags.TransactionControl))
        {
            if (command.Has(CommandFlags.NoMulti))
            {
                Reject(context, command, "ERR Command not allowed inside a transaction");
                return;
            }
            client.Queued!.Add(args.Snapshot());
            reply.WriteRaw(RespLiterals.Queued);
            return;
        }
        Run(context, command);
    }

    /// <summary>Runs a command that passed every check (directly, or from EXEC's queue).</summary>
    public static void Run(CommandContext context, CommandDefinition command)
    {
        context.Command = command;
        int errorsBefore = context.Reply.ErrorCount;
        long started = context.ClockMark;
        Activity? span = NodeTelemetry.Source.HasListeners() ? CommandTracing.StartCommand(context, command) : null;
        command.Handler(context);
        if (span is not null)
        {
            CommandTracing.EndCommand(span, context, context.Reply.ErrorCount != errorsBefore);
        }
        long ended = Stopwatch.GetTimestamp();
        context.ClockMark = ended;
        long microseconds = (long)Stopwatch.GetElapsedTime(started, ended).TotalMicroseconds;
        command.Microseconds += microseconds;
        if (microseconds >= context.Server.SlowCommandMicroseconds)
        {
            context.Server.CommandWasSlow(context, command, microseconds);
        }
        context.Server.Metrics.Command(command.OperationName, context.Reply.ErrorCount != errorsBefore, started, ended);
        command.Calls++;
        if (context.Reply.ErrorCount != errorsBefore)
        {
            command.FailedCalls++;
        }
        context.Client.LastCommand = command.FullName;
        if (context.Server.Monitors.Active)
        {
            context.Server.Monitors.Feed(context, command);
        }
        context.ClearRedactions();
    }

    /// <summary>A command refused before it ran: inside MULTI this also dooms the transaction (EXECABORT).</summary>
    private static void Reject(CommandContext context, CommandDefinition? command, string error) =>
        Reject(context, command, Encoding.UTF8.GetBytes(error));

    private static void Reject(CommandContext context, CommandDefinition? command, byte[] error)
    {
        ClientSession client = context.Client;
        if (client.InMulti)
        {
            client.TransactionFailed = true;
        }
        if (command is { Name: "exec", Parent: null })
        {
            // Redis's execCommandAbort: a refused EXEC (EXEC foo) discards the transaction and its WATCHes, saying why.
            client.EndMulti();
            client.UnwatchAll();
            ReadOnlySpan<byte> reason = error.AsSpan().StartsWith("ERR "u8) ? error.AsSpan(4) : error;
            context.Reply.WriteError([.. "EXECABORT Transaction discarded because of: "u8, .. reason]);
            if (context.Server.Monitors.Active)
            {
                // Redis's execCommandAbort shows the refused EXEC to monitors all the same.
                context.Server.Monitors.Feed(context, command);
            }
            return;
        }
        context.Reply.WriteError(error);
    }

    /// <summary>Redis's text, its name and arguments cut in bytes as its "%.128s" and "%.*s" cut them.</summary>
    private static byte[] UnknownCommand(CommandArguments args)
    {
        var text = new List<byte>(256);
        text.AddRange("ERR unknown command '"u8);
        text.AddRange(RespLiterals.CString(args[0], 128));
        text.AddRange("', with args beginning with: "u8);
        int quoted = 0;
        for (int i = 1; i < args.Count && quoted < 128; i++)
        {
            ReadOnlySpan<byte> arg = RespLiterals.CString(args[i], 128 - quoted);
            text.Add((byte)'\'');
            text.AddRange(arg);
            text.AddRange("' "u8);
            quoted += arg.Length + 3;
        }
        return text.ToArray();
    }
}
