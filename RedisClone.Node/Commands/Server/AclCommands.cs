namespace RedisClone.Node.Commands.Server;

/// <summary>
/// ACL, as far as a node with only Redis's "default" user goes: WHOAMI and CAT (what clients and tools ask at start).
/// Users cannot be created or changed, so SETUSER, GETUSER, LIST and the rest are not registered.
/// </summary>
internal static class AclCommands
{
    /// <summary>Redis 7.0's ACL categories, in the order ACL CAT lists them.</summary>
    private static readonly string[] Categories =
    [
        "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap", "hyperloglog", "geo", "stream",
        "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection", "transaction", "scripting",
    ];

    public static void Register(CommandBindings t)
    {
        t.AddContainer("acl");
        t.Add("acl|whoami", c => c.Reply.WriteBulk("default"u8));
        t.Add("acl|cat", Cat);
        t.Add("acl|help", Help);
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
