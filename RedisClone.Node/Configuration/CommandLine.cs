using System.Text;

namespace RedisClone.Node.Configuration;

/// <summary>Turns Redis-style flags (--port 6380, --port=6380) into configuration keys, with one-line errors.</summary>
internal static class CommandLine
{
    public sealed class UsageException(string message) : Exception(message);

    /// <summary>Flags that belong to the ASP.NET host rather than to Redis (passed through unchanged).</summary>
    private static readonly string[] HostFlags = ["--environment", "--contentRoot", "--applicationName", "--urls"];

    public static bool WantsHelp(string[] args) => args.Any(a => a is "--help" or "-h" or "-?");

    /// <summary>Returns configuration entries for the given flags; throws <see cref="UsageException"/> for bad input.</summary>
    public static Dictionary<string, string?> Parse(string[] args, out List<string> hostArgs)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        hostArgs = [];
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument '{arg}' (options start with --; see --help)");
            }
            string name = arg[2..];
            string? value = null;
            int equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            if (HostFlags.Contains("--" + name, StringComparer.OrdinalIgnoreCase))
            {
                hostArgs.Add("--" + name);
                hostArgs.Add(value ?? (i + 1 < args.Length ? args[++i] : throw new UsageException($"option --{name} needs a value")));
                continue;
            }
            SettingDescriptor setting = SettingCatalog.Find(name)
                ?? throw new UsageException($"unknown option '--{name}' (see --help)");
            if (value is null)
            {
                if (i + 1 >= args.Length)
                {
                    throw new UsageException($"option --{setting.Name} needs a value");
                }
                value = args[++i];
                // bind takes several addresses, as in redis.conf: --bind 127.0.0.1 ::1
                while (setting.Name == "bind" && i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    value += " " + args[++i];
                }
            }
            values[$"{SettingCatalog.Section}:{setting.ConfigKey}"] = value;
        }
        return values;
    }

    public static string Help()
    {
        var text = new StringBuilder();
        text.AppendLine("RedisClone node: a Redis-compatible server.");
        text.AppendLine();
        text.AppendLine("Usage: dotnet run --project RedisClone.Node -- [options]");
        text.AppendLine();
        text.AppendLine("Options (each also a configuration key Redis:<Key> in appsettings.json, or env var Redis__<Key>):");
        foreach (SettingDescriptor s in SettingCatalog.All)
        {
            text.AppendLine($"  {s.Flag + " <value>",-38} {s.Help}  [Redis:{s.ConfigKey}]");
        }
        text.AppendLine($"  {"--help",-38} show this text");
        return text.ToString();
    }
}
