using RedisClone.Node.Protocol;
using RedisClone.Node.Util;

namespace RedisClone.Node.Commands.Server;

/// <summary>COMMAND: the command table as clients read it (COUNT, LIST, INFO, DOCS for redis-cli's hints).</summary>
internal static class IntrospectionCommands
{
    public static void Register(CommandBindings t)
    {
        t.Add("command", AllInfo);
        t.Add("command|count", c => c.Reply.WriteInteger(c.Server.Commands.Count));
        t.Add("command|list", List);
        t.Add("command|info", Info);
        t.Add("command|docs", Docs);
        t.Add("command|help", Help);
    }

    /// <summary>COMMAND with no subcommand: like COMMAND INFO for every command.</summary>
    private static void AllInfo(CommandContext c)
    {
        c.Reply.WriteArrayHeader(c.Server.Commands.Count);
        foreach (CommandDefinition command in c.Server.Commands.All)
        {
            WriteInfo(c.Reply, command);
        }
    }

    private static void List(CommandContext c)
    {
        IEnumerable<CommandDefinition> commands = c.Server.Commands.All;
        if (c.Args.Count == 5 && c.ArgIs(2, "FILTERBY"u8))
        {
            string value = c.ArgString(4);
            if (c.ArgIs(3, "MODULE"u8))
            {
                commands = []; // the node has no modules
            }
            else if (c.ArgIs(3, "ACLCAT"u8))
            {
                commands = commands.Where(cmd => cmd.AclCategories.Contains("@" + value, StringComparer.OrdinalIgnoreCase));
            }
            else if (c.ArgIs(3, "PATTERN"u8))
            {
                byte[] pattern = c.Args.ToArray(4);
                commands = commands.Where(cmd => GlobMatcher.IsMatch(pattern, System.Text.Encoding.ASCII.GetBytes(cmd.Name), ignoreCase: true));
            }
            else
            {
                c.SyntaxError();
                return;
            }
        }
        else if (c.Args.Count != 2)
        {
            c.SyntaxError();
            return;
        }
        var names = commands.Select(cmd => cmd.Name).ToList();
        c.Reply.WriteArrayHeader(names.Count);
        foreach (string name in names)
        {
            c.Reply.WriteBulk(name);
        }
    }

    private static CommandDefinition? Lookup(CommandContext c, int index)
    {
        string name = c.ArgString(index);
        int bar = name.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0)
        {
            return c.Server.Commands.Find(name);
        }
        CommandDefinition? container = c.Server.Commands.Find(name[..bar]);
        return container?.Subcommands?.GetValueOrDefault(name[(bar + 1)..]);
    }

    private static void Info(CommandContext c)
    {
        if (c.Args.Count == 2)
        {
            AllInfo(c);
            return;
        }
        c.Reply.WriteArrayHeader(c.Args.Count - 2);
        for (int i = 2; i < c.Args.Count; i++)
        {
            CommandDefinition? command = Lookup(c, i);
            if (command is null)
            {
                c.Reply.WriteNull(); // Redis answers an unknown name with a null bulk, not a null array
            }
            else
            {
                WriteInfo(c.Reply, command);
            }
        }
    }

    private static readonly (CommandFlags Flag, string Name)[] FlagNames =
    [
        (CommandFlags.Write, "write"), (CommandFlags.ReadOnly, "readonly"), (CommandFlags.DenyOom, "denyoom"),
        (CommandFlags.Admin, "admin"), (CommandFlags.PubSub, "pubsub"), (CommandFlags.NoScript, "noscript"), (CommandFlags.Blocking, "blocking"),
        (CommandFlags.Loading, "loading"), (CommandFlags.Stale, "stale"), (CommandFlags.SkipMonitor, "skip_monitor"),
        (CommandFlags.SkipSlowlog, "skip_slowlog"), (CommandFlags.Fast, "fast"), (CommandFlags.NoAuth, "no_auth"),
        (CommandFlags.NoMulti, "no_multi"), (CommandFlags.AllowBusy, "allow_busy"), (CommandFlags.MovableKeys, "movablekeys"),
    ];

    /// <summary>One COMMAND INFO entry: name, arity, flags, first/last key, step, ACL categories, tips, key specs, subcommands.</summary>
    private static void WriteInfo(RespWriter reply, CommandDefinition command)
    {
        reply.WriteArrayHeader(10);
        reply.WriteBulk(command.FullName);
        reply.WriteInteger(command.Arity);
        string[] flags = FlagNames.Where(f => command.Has(f.Flag)).Select(f => f.Name).ToArray();
        reply.WriteSetHeader(flags.Length);
        foreach (string flag in flags)
        {
            reply.WriteSimpleString(flag);
        }
        reply.WriteInteger(command.FirstKey);
        reply.WriteInteger(command.LastKey);
        reply.WriteInteger(command.KeyStep);
        reply.WriteSetHeader(command.AclCategories.Length);
        foreach (string category in command.AclCategories)
        {
            reply.WriteSimpleString(category);
        }
        reply.WriteSetHeader(0); // tips
        reply.WriteArrayHeader(0); // key specifications are not published; first/last/step describe the keys
        var subs = command.Subcommands?.Values.ToList() ?? new List<CommandDefinition>();
        reply.WriteArrayHeader(subs.Count);
        foreach (CommandDefinition sub in subs)
        {
            WriteInfo(reply, sub);
        }
    }

    private static void Docs(CommandContext c)
    {
        var commands = new List<CommandDefinition>();
        if (c.Args.Count == 2)
        {
            commands.AddRange(c.Server.Commands.All);
        }
        else
        {
            for (int i = 2; i < c.Args.Count; i++)
            {
                if (Lookup(c, i) is { } command)
                {
                    commands.Add(command);
                }
            }
        }
        c.Reply.WriteMapHeader(commands.Count);
        foreach (CommandDefinition command in commands)
        {
            c.Reply.WriteBulk(command.FullName);
            WriteDoc(c.Reply, command);
        }
    }

    private static void WriteDoc(RespWriter reply, CommandDefinition command)
    {
        CommandDoc doc = command.Doc;
        IReadOnlyList<DocArgument> arguments = CommandSyntax.Parse(doc.Syntax);
        var subs = command.Subcommands?.Values.ToList() ?? new List<CommandDefinition>();
        // Redis leaves out a complexity its docs do not state (MONITOR).
        int fields = 3 + (doc.Complexity.Length > 0 ? 1 : 0) + (arguments.Count > 0 ? 1 : 0) + (subs.Count > 0 ? 1 : 0);
        reply.WriteMapHeader(fields);
        reply.WriteBulk("summary"u8);
        reply.WriteBulk(doc.Summary);
        reply.WriteBulk("since"u8);
        reply.WriteBulk(doc.Since);
        reply.WriteBulk("group"u8);
        reply.WriteBulk(doc.Group);
        if (doc.Complexity.Length > 0)
        {
            reply.WriteBulk("complexity"u8);
            reply.WriteBulk(doc.Complexity);
        }
        if (arguments.Count > 0)
        {
            reply.WriteBulk("arguments"u8);
            WriteArguments(reply, arguments);
        }
        if (subs.Count > 0)
        {
            reply.WriteBulk("subcommands"u8);
            reply.WriteMapHeader(subs.Count);
            foreach (CommandDefinition sub in subs)
            {
                reply.WriteBulk(sub.FullName);
                WriteDoc(reply, sub);
            }
        }
    }

    private static void WriteArguments(RespWriter reply, IReadOnlyList<DocArgument> arguments)
    {
        reply.WriteArrayHeader(arguments.Count);
        foreach (DocArgument argument in arguments)
        {
            var flags = new List<string>();
            if (argument.Optional)
            {
                flags.Add("optional");
            }
            if (argument.Multiple)
            {
                flags.Add("multiple");
            }
            int fields = 2 + (argument.Token is null ? 0 : 1) + (flags.Count > 0 ? 1 : 0) + (argument.Children.Count > 0 ? 1 : 0);
            reply.WriteMapHeader(fields);
            reply.WriteBulk("name"u8);
            reply.WriteBulk(argument.Name);
            reply.WriteBulk("type"u8);
            reply.WriteBulk(argument.Type);
            if (argument.Token is not null)
            {
                reply.WriteBulk("token"u8);
                reply.WriteBulk(argument.Token);
            }
            if (flags.Count > 0)
            {
                reply.WriteBulk("flags"u8);
                reply.WriteSetHeader(flags.Count);
                foreach (string flag in flags)
                {
                    reply.WriteSimpleString(flag);
                }
            }
            if (argument.Children.Count > 0)
            {
                reply.WriteBulk("arguments"u8);
                WriteArguments(reply, argument.Children);
            }
        }
    }

    private static void Help(CommandContext c) => HelpText.Write(c, "COMMAND",
        "(no subcommand)", "    Return details about all Redis commands.",
        "COUNT", "    Return the total number of commands in this Redis server.",
        "LIST", "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]", "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]", "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.");
}
