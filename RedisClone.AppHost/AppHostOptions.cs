using System.Globalization;

namespace RedisClone.AppHost;

/// <summary>
/// The AppHost's command line: cluster size and ports, or Aspire's publish flags
/// (<c>--publisher manifest --output-path &lt;file&gt;</c>). Bad input is a one-line <see cref="UsageException"/>.
/// </summary>
internal sealed record AppHostOptions(int Nodes, int BasePort, string? Publisher, string? OutputPath)
{
    public const int DefaultNodes = 3;
    public const int DefaultBasePort = 6379;

    /// <summary>nodeK's gossip port is its RESP port + 10000 (the node's own default, like Redis's cluster bus).</summary>
    public const int GossipPortOffset = 10000;

    /// <summary>nodeK's HTTP port (/health, /alive) is its RESP port + 20000.</summary>
    public const int HttpPortOffset = 20000;

    public sealed class UsageException(string message) : Exception(message);

    public static bool WantsHelp(string[] args) => args.Any(a => a is "--help" or "-h" or "-?");

    public bool IsPublishMode => Publisher is not null;

    public int RespPort(int node) => BasePort + node - 1;

    public static AppHostOptions Parse(string[] args)
    {
        int nodes = DefaultNodes;
        int basePort = DefaultBasePort;
        string? publisher = null;
        string? outputPath = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string name = arg;
            string? value = null;
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                name = arg[..equals];
                value = arg[(equals + 1)..];
            }
            string Value() => value ?? (i + 1 < args.Length ? args[++i] : throw new UsageException($"option {name} needs a value"));
            switch (name)
            {
                case "--nodes":
                    nodes = Integer(name, Value(), 1, 65535);
                    break;
                case "--base-port":
                    basePort = Integer(name, Value(), 1, 65535);
                    break;
                case "--publisher":
                    publisher = Value();
                    if (publisher != "manifest")
                    {
                        throw new UsageException($"unknown publisher '{publisher}' (the AppHost publishes: manifest)");
                    }
                    break;
                case "--output-path":
                    outputPath = Value();
                    break;
                default:
                    throw new UsageException(arg.StartsWith('-')
                        ? $"unknown option '{name}' (see --help)"
                        : $"unexpected argument '{arg}' (options start with --; see --help)");
            }
        }
        if (publisher is not null && string.IsNullOrWhiteSpace(outputPath))
        {
            throw new UsageException("--publisher manifest needs --output-path <file>");
        }
        if (publisher is null && outputPath is not null)
        {
            throw new UsageException("--output-path is only for --publisher manifest");
        }
        var options = new AppHostOptions(nodes, basePort, publisher, outputPath);
        int highest = options.RespPort(nodes) + HttpPortOffset;
        if (highest > 65535)
        {
            throw new UsageException(
                $"--base-port {basePort} with --nodes {nodes} needs ports up to {highest} (RESP {basePort}-{options.RespPort(nodes)}, " +
                $"gossip +{GossipPortOffset}, HTTP +{HttpPortOffset}); ports must be 1..65535");
        }
        return options;
    }

    private static int Integer(string name, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? value
            : throw new UsageException($"invalid value '{text}' for {name}: must be an integer from {min} to {max}");

    public static string Help() =>
        $"""
        RedisClone.AppHost: runs a RedisClone cluster (the shape of a .NET Aspire AppHost), or writes its Aspire manifest.

        Usage: dotnet run --project RedisClone.AppHost -- [options]

          --nodes <n>              number of nodes, node1..nodeN (default {DefaultNodes})
          --base-port <port>       node1's RESP port; nodeK listens on base + K - 1 (default {DefaultBasePort}),
                                   its gossip endpoint on that + {GossipPortOffset}, /health and /alive on that + {HttpPortOffset}
          --publisher manifest     write the deployment manifest (aspire-8.0 schema) instead of running
          --output-path <file>     where --publisher writes it
          --help                   show this text

        Telemetry: set ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL (OTLP/gRPC) or ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL to an
        Aspire dashboard's OTLP address; AppHost__OtlpApiKey adds its API key. Ctrl+C or SIGTERM stops every node.

        """;
}
