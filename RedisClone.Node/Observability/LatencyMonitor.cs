namespace RedisClone.Node.Observability;

/// <summary>
/// Redis's latency monitor: per event ("command", "fast-command"), the latest 160 seconds that had a spike (the worst
/// spike of each second) and the worst spike ever. Only touched under the keyspace lock.
/// </summary>
internal sealed class LatencyMonitor
{
    /// <summary>Redis's LATENCY_TS_LEN: samples kept per event.</summary>
    public const int HistoryLength = 160;

    // In the order events first happened (Redis's own order is its hash table's; LATENCY LATEST promises none).
    private readonly Dictionary<string, LatencySeries> _events = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, LatencySeries> Events => _events;

    /// <summary>Records a spike of <paramref name="milliseconds"/> for <paramref name="eventName"/> at <paramref name="unixSeconds"/>.</summary>
    public void Add(string eventName, long milliseconds, long unixSeconds)
    {
        if (!_events.TryGetValue(eventName, out LatencySeries? series))
        {
            series = new LatencySeries();
            _events.Add(eventName, series);
        }
        series.Add(milliseconds, unixSeconds);
    }

    /// <summary>Forgets the named events (all when none is named); returns how many were there.</summary>
    public int Reset(IReadOnlyList<string> eventNames)
    {
        if (eventNames.Count == 0)
        {
            int all = _events.Count;
            _events.Clear();
            return all;
        }
        int removed = 0;
        foreach (string name in eventNames)
        {
            if (_events.Remove(name))
            {
                removed++;
            }
        }
        return removed;
    }
}
