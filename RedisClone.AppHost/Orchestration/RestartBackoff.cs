namespace RedisClone.AppHost.Orchestration;

/// <summary>
/// Delay before restarting a node that exited on its own: 1 s, then doubling up to 30 s while it keeps failing; a node
/// that had run for 30 s or more starts over at 1 s.
/// </summary>
internal sealed class RestartBackoff(TimeSpan initial, TimeSpan maximum, TimeSpan stableAfter)
{
    private TimeSpan _next = TimeSpan.Zero;

    public static RestartBackoff Default() => new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));

    /// <summary>The delay before the next start, given how long the process that just exited had run.</summary>
    public TimeSpan Next(TimeSpan uptime)
    {
        if (_next == TimeSpan.Zero || uptime >= stableAfter)
        {
            _next = initial;
        }
        TimeSpan delay = _next;
        _next = TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, maximum.Ticks));
        return delay;
    }
}
