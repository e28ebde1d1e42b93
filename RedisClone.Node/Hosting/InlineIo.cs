namespace RedisClone.Node.Hosting;

/// <summary>
/// Redis's threading model on .NET: a connection's bytes are read, its commands run and its replies are sent on the
/// socket engine's thread, with no hop through the thread pool. That hop (a wake-up of a pool thread per read and
/// per flush) cost more kernel time per request than the command itself (bench/cpu_per_op.sh). It needs both the
/// runtime's inline socket completions and Kestrel's inline scheduling; the runtime reads its switch from the
/// environment once, so it is set before the first socket exists. Setting the variable to 0 turns both off.
/// </summary>
/// <remarks>
/// With inline completions the runtime starts one socket engine thread per core, and each runs the commands of its
/// connections; every command takes the one keyspace lock, so on a small machine those threads mostly took turns at
/// the lock and took CPU from the clients. One engine thread, as Redis has one event loop, measured better everywhere
/// on 2 cores (redis-benchmark -P 16 1.24-1.34M -> 1.39-1.50M ops/s, unpipelined equal or better, pub/sub equal;
/// BENCHMARKS.md). DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT set in the environment still decides.
/// </remarks>
internal static class InlineIo
{
    private const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    private const string EngineThreads = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";

    /// <summary>Turns inline I/O on, with one socket engine thread, for this process unless the user's environment says otherwise.</summary>
    public static void EnableUnlessConfigured()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
        if (Enabled && Environment.GetEnvironmentVariable(EngineThreads) is null)
        {
            Environment.SetEnvironmentVariable(EngineThreads, "1");
        }
    }

    /// <summary>True when socket completions run inline, so Kestrel may run connections inline too.</summary>
    public static bool Enabled => Environment.GetEnvironmentVariable(Variable) == "1";
}
