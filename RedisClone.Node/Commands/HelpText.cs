using RedisClone.Node.Commands.Hashes;
using RedisClone.Node.Commands.Keys;
using RedisClone.Node.Commands.Lists;
using RedisClone.Node.Commands.PubSub;
using RedisClone.Node.Commands.Server;
using RedisClone.Node.Commands.Sets;
using RedisClone.Node.Commands.SortedSets;
using RedisClone.Node.Commands.Strings;
using RedisClone.Node.Commands.Transactions;

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
