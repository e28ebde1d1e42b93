namespace RedisClone.Node.Hosting;

/// <summary>
/// Redis's threading model on .NET: a connection's bytes are read, its commands run and its replies are sent on the
/// socket engine's thread, with no hop through the thread pool. That hop (a wake-up of a pool thread per read and
/// per flush) cost more kernel time per request than the command itself (bench/cpu_per_op.sh). It needs both the
/// runtime's inline socket completions and Kestrel's inline scheduling; the runtime reads its switch from the
/// environment once, so it is set before the first socket exists. Setting the variable to 0 turns both off.
/// </summary>
public static class InlineIo
{
    private const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Turns inline I/O on for this process unless the user's environment says otherwise.</summary>
    public static void EnableUnlessConfigured()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }

    /// <summary>True when socket completions run inline, so Kestrel may run connections inline too.</summary>
    public static bool Enabled => Environment.GetEnvironmentVariable(Variable) == "1";
}
