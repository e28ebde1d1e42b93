namespace RedisClone.Benchmarks.PubSub;

public enum StopReason
{
    /// <summary>Every message of --messages was published.</summary>
    Completed,

    /// <summary>--duration-limit ended publishing early.</summary>
    DurationLimit,

    /// <summary>Ctrl+C or SIGTERM ended publishing early.</summary>
    Interrupted,
}
