using RedisClone.Node.Protocol;
using RedisClone.Node.Server;

namespace RedisClone.Node.Commands;

/// <summary>SLOWLOG GET/LEN/RESET/HELP over the node's <see cref="SlowLog"/> (filled by <see cref="CommandDispatcher.Run"/>).</summary>
public static class SlowlogCommands
{
    private const int DefaultCount = 10;

    public static void Register(CommandTable t)
    {
        const CommandFlags Admin = CommandFlags.Admin | CommandFlags.Loading | CommandFlags.Stale;
        t.Add(new CommandDefinition("slowlog", -2, CommandFlags.None, static _ => { }, "@slow", new("A container for slow log commands.", "2.2.12", "server", "Depends on subcommand.")).WithSubcommands(
            new("get", -2, Admin, Get, "@admin @slow @dangerous", new("Returns the slow log's entries.", "2.2.12", "server", "O(N) where N is the number of entries returned", "[count:integer]")),
            new("len", 2, Admin, c => c.Reply.WriteInteger(c.Server.SlowLog.Count), "@admin @slow @dangerous", new("Returns the number of entries in the slow log.", "2.2.12", "server", "O(1)")),
            new("reset", 2, Admin, Reset, "@admin @slow @dangerous", new("Clears all entries from the slow log.", "2.2.12", "server", "O(N) where N is the number of entries in the slowlog")),
            new("help", 2, CommandFlags.Loading | CommandFlags.Stale, Help, "@slow", new("Show helpful text about the different subcommands", "6.2.0", "server", "O(1)"))));
    }

    private static void Get(CommandContext c)
    {
        if (c.Args.Count > 3)
        {
            c.Reply.WriteError(RespLiterals.SubcommandSyntaxError(c.Args[1], "slowlog"));
            return;
        }
        long count = DefaultCount;
        if (c.Args.Count == 3)
        {
            const string CountError = "ERR count should be greater than or equal to -1";
            if (!RespNumber.TryParseInt64(c.Args[2], out count) || count < -1)
            {
                c.Reply.WriteError(CountError);
                return;
            }
            if (count == -1)
            {
                count = long.MaxValue;
            }
        }
        SlowLog log = c.Server.SlowLog;
        int shown = (int)Math.Min(count, log.Count);
        c.Reply.WriteArrayHeader(shown);
        foreach (SlowLogEntry entry in log.Entries.Take(shown))
        {
            c.Reply.WriteArrayHeader(6);
            c.Reply.WriteInteger(entry.Id);
            c.Reply.WriteInteger(entry.UnixSeconds);
            c.Reply.WriteInteger(entry.Microseconds);
            c.Reply.WriteArrayHeader(entry.Arguments.Length);
            foreach (byte[] argument in entry.Arguments)
            {
                c.Reply.WriteBulk(argument);
            }
            c.Reply.WriteBulk(entry.ClientAddress);
            c.Reply.WriteBulk(entry.ClientName);
        }
    }

    private static void Reset(CommandContext c)
    {
        c.Server.SlowLog.Reset();
        c.Reply.WriteOk();
    }

    private static void Help(CommandContext c) => HelpText.Write(c, "SLOWLOG",
        "GET [<count>]", "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:", "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN", "    Return the length of the slowlog.",
        "RESET", "    Reset the slowlog.");
}
