namespace RedisClone.Benchmarks.Cli;

public enum ToolMode
{
    /// <summary>Publishers and subscribers: throughput, latency, loss, duplicates and ordering.</summary>
    PubSub,

    /// <summary>Connections that subscribe and then stay idle, to measure the server's memory per idle subscriber.</summary>
    Idle,
}
