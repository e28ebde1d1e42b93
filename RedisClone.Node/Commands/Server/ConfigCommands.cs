using System.Text;
using RedisClone.Node.Configuration;
using RedisClone.Node.Util;

namespace RedisClone.Node.Commands.Server;

/// <summary>CONFIG GET/SET/RESETSTAT over the node's settings (<see cref="SettingCatalog"/>).</summary>
internal static class ConfigCommands
{
    public static void Register(CommandBindings t)
    {
        t.AddContainer("config");
        t.Add("config|get", Get);
        t.Add("config|set", Set);
        t.Add("config|resetstat", ResetStat);
        t.Add("config|help", Help);
    }

    private static void Get(CommandContext c)
    {
        var matches = new List<(string Name, SettingDescriptor Setting)>();
        for (int i = 2; i < c.Args.Count; i++)
        {
            ReadOnlySpan<byte> pattern = c.Args[i];
            if (pattern.IndexOfAny("[*?"u8) < 0)
            {
                // Like Redis, a plain name is looked up and answered under the name as the client typed it.
                string name = c.ArgString(i);
                SettingDescriptor? exact = SettingCatalog.Find(name);
                if (exact is { InConfig: true } && !matches.Exists(m => m.Setting == exact))
                {
                    matches.Add((name, exact));
                }
                continue;
            }
            foreach (SettingDescriptor setting in SettingCatalog.All)
            {
                if (setting.InConfig && !matches.Exists(m => m.Setting == setting) && GlobMatcher.IsMatch(pattern, Encoding.ASCII.GetBytes(setting.Name), ignoreCase: true))
                {
                    matches.Add((setting.Name, setting));
                }
            }
        }
        c.Reply.WriteMapHeader(matches.Count);
        foreach ((string name, SettingDescriptor setting) in matches)
        {
            c.Reply.WriteBulk(name);
            c.Reply.WriteBulk(setting.Get(c.Server.Settings));
        }
    }

    private static void Set(CommandContext c)
    {
        if (c.Args.Count % 2 != 0)
        {
            c.SyntaxError(); // Redis 7 answers an unpaired parameter with a syntax error, not an arity error
            return;
        }
        var changes = new List<(SettingDescriptor Setting, string Value)>();
        for (int i = 2; i < c.Args.Count; i += 2)
        {
            string name = c.ArgString(i);
            SettingDescriptor? setting = SettingCatalog.Find(name);
            if (setting is { Sensitive: true })
            {
                // As Redis 7 hides a sensitive config's value from MONITOR and SLOWLOG.
                c.Redact(i + 1);
            }
            if (setting is null || !setting.InConfig)
            {
                c.Reply.WriteError($"ERR Unknown option or number of arguments for CONFIG SET - '{name}'");
                return;
            }
            if (changes.Any(ch => ch.Setting == setting))
            {
                c.Reply.WriteError($"ERR CONFIG SET failed (possibly related to argument '{name}') - duplicate parameter");
                return;
            }
            if (!setting.Mutable)
            {
                c.Reply.WriteError($"ERR CONFIG SET failed (possibly related to argument '{name}') - can't set immutable config");
                return;
            }
            changes.Add((setting, c.ArgString(i + 1)));
        }
        // All or nothing, as in Redis 7: validate every value on a scratch copy before applying any.
        var trial = new NodeSettings();
        foreach ((SettingDescriptor setting, string value) in changes)
        {
            string? error = setting.Set(trial, value);
            if (error is not null)
            {
                c.Reply.WriteError($"ERR CONFIG SET failed (possibly related to argument '{setting.Name}') - {error}");
                return;
            }
        }
        foreach ((SettingDescriptor setting, string value) in changes)
        {
            setting.Set(c.Server.Settings, value);
        }
        c.Server.SettingsChanged();
        c.Reply.WriteOk();
    }

    private static void ResetStat(CommandContext c)
    {
        c.Server.Stats.Reset();
        c.Keyspace.Stats.Reset();
        foreach (CommandDefinition command in c.Server.Commands.All.SelectMany(cmd => cmd.Subcommands?.Values.Prepend(cmd) ?? [cmd]))
        {
            command.Calls = 0;
            command.FailedCalls = 0;
            command.Microseconds = 0;
        }
        c.Server.StatsReset?.Invoke();
        c.Reply.WriteOk();
    }

    private static void Help(CommandContext c) => HelpText.Write(c, "CONFIG",
        "GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>", "    Set the configuration <directive> to <value>.",
        "RESETSTAT", "    Reset statistics reported by the INFO command.");
}
