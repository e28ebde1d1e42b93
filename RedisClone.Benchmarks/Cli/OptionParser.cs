using System.Globalization;
using RedisClone.Benchmarks.Net;
using RedisClone.Benchmarks.PubSub;

namespace RedisClone.Benchmarks.Cli;

/// <summary>Turns "[pubsub|idle] --name value" (or --name=value) into <see cref="ToolOptions"/>, with one-line errors.</summary>
public static class OptionParser
{
    public sealed class UsageException(string message) : Exception(message);

    public static bool WantsHelp(IEnumerable<string> args) => args.Any(a => a is "--help" or "-h" or "-?" or "help");

    public static ToolOptions Parse(IReadOnlyList<string> args)
    {
        var options = new ToolOptions();
        ToolMode? mode = null;
        bool channelsGiven = false;
        IReadOnlyList<Endpoint>? publish = null;
        IReadOnlyList<Endpoint>? subscribe = null;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (i != 0)
                {
                    throw new UsageException($"unexpected argument '{arg}' (the mode comes first; see --help)");
                }
                mode = arg switch
                {
                    "pubsub" => ToolMode.PubSub,
                    "idle" => ToolMode.Idle,
                    _ => throw new UsageException($"unknown mode '{arg}' (pubsub or idle)"),
                };
                continue;
            }
            string name = arg[2..];
            string? inlineValue = null;
            int equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                inlineValue = name[(equals + 1)..];
                name = name[..equals];
            }
            if (name == "patterns")
            {
                options = options with { Patterns = inlineValue is null || ParseBool(name, inlineValue) };
                continue;
            }
            string value = inlineValue ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"option --{name} needs a value"));
            switch (name)
            {
                case "publish-endpoints":
                    publish = ParseEndpoints(name, value);
                    break;
                case "subscribe-endpoints":
                    subscribe = ParseEndpoints(name, value);
                    break;
                case "endpoints":
                    publish = subscribe = ParseEndpoints(name, value);
                    break;
                case "subscribers":
                    options = options with { Subscribers = ParseInt(name, value, min: 1) };
                    break;
                case "channels":
                    options = options with { Channels = ParseInt(name, value, min: 1) };
                    channelsGiven = true;
                    break;
                case "publishers":
                    options = options with { Publishers = ParseInt(name, value, min: 1) };
                    break;
                case "pipeline":
                    options = options with { Pipeline = ParseInt(name, value, min: 1) };
                    break;
                case "messages":
                    options = options with { Messages = ParseLong(name, value, min: 0) };
                    break;
                case "size":
                    options = options with { Size = ParseInt(name, value, min: Payload.HeaderSize, max: 64 * 1024 * 1024) };
                    break;
                case "rate":
                    options = options with { Rate = ParseNonNegative(name, value) };
                    break;
                case "duration-limit":
                    options = options with { DurationLimit = ParseNonNegative(name, value) };
                    break;
                case "drain-timeout":
                    options = options with { DrainTimeout = ParseNonNegative(name, value) };
                    break;
                case "setup-timeout":
                    options = options with { SetupTimeout = ParseNonNegative(name, value) };
                    break;
                case "reader-threads":
                    options = options with { ReaderThreads = ParseInt(name, value, min: 0, max: 64) };
                    break;
                case "progress-interval":
                    options = options with { ProgressInterval = ParseNonNegative(name, value) };
                    break;
                case "channel-prefix":
                    options = options with { ChannelPrefix = value.Length > 0 ? value : throw new UsageException("--channel-prefix must not be empty") };
                    break;
                case "idle-connections":
                    options = options with { IdleConnections = ParseInt(name, value, min: 1) };
                    mode ??= ToolMode.Idle;
                    break;
                case "hold":
                    options = options with { Hold = ParseNonNegative(name, value) };
                    break;
                default:
                    throw new UsageException($"unknown option '--{name}' (see --help)");
            }
        }
        options = options with
        {
            Mode = mode ?? ToolMode.PubSub,
            // One server given for either side serves both sides.
            PublishEndpoints = publish ?? subscribe ?? options.PublishEndpoints,
            SubscribeEndpoints = subscribe ?? publish ?? options.SubscribeEndpoints,
        };
        if (options.ReaderThreads > 0 && !EpollReader.IsSupported)
        {
            // epoll is Linux-only: elsewhere async receives are the only way to read.
            options = options with { ReaderThreads = 0 };
        }
        if (options.Mode == ToolMode.Idle)
        {
            if (options.IdleConnections == 0)
            {
                throw new UsageException("idle mode needs --idle-connections N");
            }
            if (!channelsGiven)
            {
                options = options with { Channels = options.IdleConnections };
            }
        }
        else if (options.IdleConnections != 0)
        {
            throw new UsageException("--idle-connections belongs to the idle mode");
        }
        return options;
    }

    private static IReadOnlyList<Endpoint> ParseEndpoints(string name, string value)
    {
        try
        {
            return Endpoint.ParseList(value);
        }
        catch (FormatException ex)
        {
            throw new UsageException($"--{name}: {ex.Message}");
        }
    }

    private static int ParseInt(string name, string value, int min, int max = int.MaxValue) =>
        (int)ParseLong(name, value, min, max);

    private static long ParseLong(string name, string value, long min, long max = long.MaxValue)
    {
        // 100k and 1m read better than 100000 and 1000000 on a command line.
        long multiplier = 1;
        if (value.EndsWith('k') || value.EndsWith('K'))
        {
            multiplier = 1_000;
            value = value[..^1];
        }
        else if (value.EndsWith('m') || value.EndsWith('M'))
        {
            multiplier = 1_000_000;
            value = value[..^1];
        }
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number)
            || number > long.MaxValue / multiplier)
        {
            throw new UsageException($"--{name}: '{value}' is not an integer");
        }
        number *= multiplier;
        if (number < min || number > max)
        {
            throw new UsageException(max == long.MaxValue || max == int.MaxValue
                ? $"--{name} must be at least {min}"
                : $"--{name} must be between {min} and {max}");
        }
        return number;
    }

    private static double ParseNonNegative(string name, string value)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || number < 0 || !double.IsFinite(number))
        {
            throw new UsageException($"--{name}: '{value}' is not a non-negative number");
        }
        return number;
    }

    private static bool ParseBool(string name, string value) => value switch
    {
        "true" or "yes" or "1" => true,
        "false" or "no" or "0" => false,
        _ => throw new UsageException($"--{name}: '{value}' is not true or false"),
    };
}
