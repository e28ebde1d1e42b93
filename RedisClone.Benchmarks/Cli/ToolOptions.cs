using RedisClone.Benchmarks.Net;

namespace RedisClone.Benchmarks.Cli;

/// <summary>Everything a run needs, already validated by <see cref="OptionParser"/>.</summary>
public sealed record ToolOptions
{
    public static readonly Endpoint DefaultEndpoint = new("127.0.0.1", 6379);

    public ToolMode Mode { get; init; } = ToolMode.PubSub;

    public IReadOnlyList<Endpoint> PublishEndpoints { get; init; } = [DefaultEndpoint];

    public IReadOnlyList<Endpoint> SubscribeEndpoints { get; init; } = [DefaultEndpoint];

    public int Subscribers { get; init; } = 50;

    public int Channels { get; init; } = 10;

    public bool Patterns { get; init; }

    public int Publishers { get; init; } = 2;

    public int Pipeline { get; init; } = 16;

    public long Messages { get; init; } = 100_000;

    public int Size { get; init; } = 64;

    /// <summary>Total messages per second over all publishers; 0 publishes as fast as the pipeline allows.</summary>
    public double Rate { get; init; }

    /// <summary>Seconds after which publishing stops; 0 means no limit.</summary>
    public double DurationLimit { get; init; }

    /// <summary>Seconds without a new delivery after which the tool stops waiting for the rest.</summary>
    public double DrainTimeout { get; init; } = 10;

    /// <summary>Seconds allowed for connecting and for every subscription to be confirmed.</summary>
    public double SetupTimeout { get; init; } = 60;

    public string ChannelPrefix { get; init; } = "bench";

    public int IdleConnections { get; init; }

    /// <summary>Seconds the idle connections are held; 0 holds them until Ctrl+C or SIGTERM.</summary>
    public double Hold { get; init; }

    /// <summary>Threads reading the subscriber sockets with epoll; 0 uses async socket receives instead.</summary>
    public int ReaderThreads { get; init; } = 1;

    /// <summary>Seconds between progress lines on stderr.</summary>
    public double ProgressInterval { get; init; } = 1;
}
