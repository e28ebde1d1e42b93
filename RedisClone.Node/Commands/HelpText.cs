namespace RedisClone.Node.Commands;

/// <summary>Redis's addReplyHelp: the HELP reply of container commands, as status lines.</summary>
internal static class HelpText
{
    public static void Write(CommandContext c, string container, params string[] lines)
    {
        c.Reply.WriteArrayHeader(lines.Length + 3);
        c.Reply.WriteSimpleString($"{container} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        foreach (string line in lines)
        {
            c.Reply.WriteSimpleString(line);
        }
        c.Reply.WriteSimpleString("HELP");
        c.Reply.WriteSimpleString("    Print this help.");
    }
}
