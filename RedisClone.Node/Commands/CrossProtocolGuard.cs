namespace RedisClone.Node.Commands;

/// <summary>
/// Cross-protocol scripting: a web page can make a browser send an HTTP request to the node's port, whose body holds
/// commands. As Redis 7 does (in processCommand, before lookup, authentication or MULTI queueing), a command named
/// <c>POST</c> or <c>Host:</c> (any case) closes the connection at once, without sending the replies still pending,
/// so nothing after the request line or its headers runs. Redis logs a warning at most once a minute; every attempt is
/// counted here as well (INFO stats <c>cross_protocol_attacks</c>, reset by CONFIG RESETSTAT).
/// </summary>
internal sealed class CrossProtocolGuard
{
    private const long WarningIntervalMs = 60_000;
    private long _attacks;
    private long _lastWarningMs = long.MinValue;

    /// <summary>Attempts seen since start (or CONFIG RESETSTAT).</summary>
    public long Attacks => Interlocked.Read(ref _attacks);

    /// <summary>True for the command names an HTTP request line or header turns into: <c>POST</c> and <c>Host:</c>.</summary>
    public static bool IsAttack(ReadOnlySpan<byte> command) => command.Length switch
    {
        4 => System.Text.Ascii.EqualsIgnoreCase(command, "post"u8),
        5 => System.Text.Ascii.EqualsIgnoreCase(command, "host:"u8),
        _ => false,
    };

    /// <summary>Counts an attempt at <paramref name="nowMs"/>; true when it should be logged: the first, then at most one a minute.</summary>
    public bool Record(long nowMs)
    {
        Interlocked.Increment(ref _attacks);
        long last = Interlocked.Read(ref _lastWarningMs);
        bool due = last == long.MinValue || nowMs - last > WarningIntervalMs;
        return due && Interlocked.CompareExchange(ref _lastWarningMs, nowMs, last) == last;
    }

    public void ResetStats() => Interlocked.Exchange(ref _attacks, 0);
}
