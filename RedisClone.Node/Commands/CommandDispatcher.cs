using System.Diagnostics;
using System.Text;
using RedisClone.Node.Protocol;
using RedisClone.Node.Server;

namespace RedisClone.Node.Commands;

/// <summary>
/// Redis's processCommand: lookup, arity, authentication, subscribed-mode and transaction rules, then the handler.
/// Runs under the keyspace lock.
/// </summary>
public static class CommandDispatcher
{
    public static void Execute(CommandContext context)
    {
        CommandArguments args = context.Args;
        ClientSession client = context.Client;
        RespWriter reply = context.Reply;
        NodeServer server = context.Server;

        CommandDefinition? command = server.Commands.Find(args[0]);
        if (command is null)
        {
            Reject(context, UnknownCommand(args));
            return;
        }
        if (!command.ArityAccepts(args.Count))
        {
            Reject(context, RespLiterals.WrongArity(command.FullName));
            return;
        }
        if (command.Subcommands is not null)
        {
            CommandDefinition? sub = command.FindSubcommand(args[1]);
            if (sub is null)
            {
                Reject(context, RespLiterals.UnknownSubcommand(context.ArgString(1), command.Name));
                return;
            }
            if (!sub.ArityAccepts(args.Count))
            {
                Reject(context, RespLiterals.WrongArity(sub.FullName));
                return;
            }
            command = sub;
        }
        context.Command = command;

        if (!client.Authenticated && !(command.Parent ?? command).Has(CommandFlags.NoAuth))
        {
            Reject(context, RespLiterals.NoAuth);
            return;
        }
        if (!reply.IsResp3 && client.SubscriptionCount > 0 && !command.Has(CommandFlags.AllowedWhenSubscribed))
        {
            Reject(context, $"ERR Can't execute '{command.FullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return;
        }
        if (client.InMulti && !command.Has(CommandFlags.TransactionControl))
        {
            if (command.Has(CommandFlags.NoMulti))
            {
                Reject(context, "ERR Command not allowed inside a transaction");
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
        long started = Stopwatch.GetTimestamp();
        command.Handler(context);
        command.Microseconds += (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        command.Calls++;
        if (context.Reply.ErrorCount != errorsBefore)
        {
            command.FailedCalls++;
        }
        context.Client.LastCommand = command.FullName;
    }

    /// <summary>A command refused before it ran: inside MULTI this also dooms the transaction (EXECABORT).</summary>
    private static void Reject(CommandContext context, string error)
    {
        if (context.Client.InMulti)
        {
            context.Client.TransactionFailed = true;
        }
        context.Reply.WriteError(error);
    }

    private static string UnknownCommand(CommandArguments args)
    {
        var text = new StringBuilder("ERR unknown command '");
        text.Append(RespLiterals.Truncate(Encoding.UTF8.GetString(args[0]), 128)).Append("', with args beginning with: ");
        int start = text.Length;
        for (int i = 1; i < args.Count && text.Length - start < 128; i++)
        {
            string arg = Encoding.UTF8.GetString(args[i]);
            text.Append('\'').Append(RespLiterals.Truncate(arg, 128 - (text.Length - start))).Append("' ");
        }
        return text.ToString();
    }
}
