namespace RedisClone.Node.Commands;

/// <summary>
/// ACL, as far as a node with only Redis's "default" user goes: WHOAMI and CAT (what clients and tools ask at start).
/// Users cannot be created or changed, so SETUSER, GETUSER, LIST and the rest are not registered.
/// </summary>
public static class AclCommands
{
    /// <summary>Redis 7.0's ACL categories, in the order ACL CAT lists them.</summary>
    private static readonly string[] Categories =
    [
        "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap", "hyperloglog", "geo", "stream",
        "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection", "transaction", "scripting",
    ];

    public static void Register(CommandTable t)
    {
        const CommandFlags Flags = CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale;
        t.Add(new CommandDefinition("acl", -2, CommandFlags.None, static _ => { }, "@slow", new("A container for Access List Control commands.", "6.0.0", "server", "Depends on subcommand.")).WithSubcommands(
            new("whoami", 2, Flags, c => c.Reply.WriteBulk("default"u8), "@slow", new("Returns the authenticated username of the current connection.", "6.0.0", "server", "O(1)")),
            new("cat", -2, Flags, Cat, "@slow", new("Lists the ACL categories, or the commands inside a category.", "6.0.0", "server", "O(1) since the categories and commands are a fixed set.", "[categoryname:string]")),
            new("help", 2, CommandFlags.Loading | CommandFlags.Stale, Help, "@slow", new("Returns helpful text about the different subcommands.", "6.0.0", "server", "O(1)"))));
    }

    private static void Cat(CommandContext c)
    {
        if (c.Args.Count == 2)
        {
            c.Reply.WriteArrayHeader(Categories.Length);
            foreach (string category in Categories)
            {
                c.Reply.WriteBulk(category);
            }
            return;
        }
        if (c.Args.Count > 3)
        {
            c.Reply.WriteError(Protocol.RespLiterals.SubcommandSyntaxError(c.Args[1], "acl"));
            return;
        }
        string name = c.ArgString(2);
        if (!Categories.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            c.Reply.WriteError($"ERR Unknown category '{name}'");
            return;
        }
        string wanted = "@" + name;
        var names = new List<string>();
        foreach (CommandDefinition command in c.Server.Commands.All)
        {
            // A container is listed when it has the category itself; its subcommands each by their own.
            foreach (CommandDefinition each in command.Subcommands?.Values.Prepend(command) ?? [command])
            {
                if (each.AclCategories.Contains(wanted, StringComparer.OrdinalIgnoreCase))
                {
                    names.Add(each.FullName);
                }
            }
        }
        c.Reply.WriteArrayHeader(names.Count);
        foreach (string command in names)
        {
            c.Reply.WriteBulk(command);
        }
    }

    private static void Help(CommandContext c) => HelpText.Write(c, "ACL",
        "CAT [<category>]", "    List all commands that belong to <category>, or all command categories",
        "    when no category is specified.",
        "WHOAMI", "    Return the current connection username.");
}
