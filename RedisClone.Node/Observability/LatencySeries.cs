namespace RedisClone.Node.Observability;

/// <summary>One event's samples: a ring of (second, worst latency in that second), oldest overwritten first.</summary>
internal sealed class LatencySeries
{
    private readonly (long UnixSeconds, long Milliseconds)[] _samples = new (long, long)[LatencyMonitor.HistoryLength];
    private int _next;

    public long Max { get; private set; }

    public (long UnixSeconds, long Milliseconds) Latest => _samples[(_next + LatencyMonitor.HistoryLength - 1) % LatencyMonitor.HistoryLength];

    public void Add(long milliseconds, long unixSeconds)
    {
        Max = Math.Max(Max, milliseconds);
        ref (long UnixSeconds, long Milliseconds) previous = ref _samples[(_next + LatencyMonitor.HistoryLength - 1) % LatencyMonitor.HistoryLength];
        if (previous.UnixSeconds == unixSeconds)
        {
            // One sample per second: the worst spike of that second.
            previous.Milliseconds = Math.Max(previous.Milliseconds, milliseconds);
            return;
        }
        _samples[_next] = (unixSeconds, milliseconds);
        _next = (_next + 1) % LatencyMonitor.HistoryLength;
    }

    /// <summary>The samples kept, oldest first.</summary>
    public IEnumerable<(long UnixSeconds, long Milliseconds)> Samples()
    {
        for (int i = 0; i < LatencyMonitor.HistoryLength; i++)
        {
            (long seconds, long ms) = _samples[(_next + i) % LatencyMonitor.HistoryLength];
            if (seconds != 0)
            {
                yield return (seconds, ms);
            }
        }
    }
}
