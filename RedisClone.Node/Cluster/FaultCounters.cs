namespace RedisClone.Node.Cluster;

/// <summary>
/// What went wrong, counted (INFO # Gossip, metrics) and logged. No fault inside gossip code ends the process: every
/// loop, timer callback and stream handler hands what it did not expect to <see cref="CountFault"/> and carries on
/// or reopens its link.
/// </summary>
internal sealed partial class FaultCounters
{
    private readonly ILogger _logger;
    private readonly HashSet<string> _rejectedHosts = [];
    private long _faults;
    private long _stalls;
    private long _replayGaps;
    private long _rejectedCalls;

    public FaultCounters(ILogger logger) => _logger = logger;

    /// <summary>Unexpected exceptions caught in gossip code (each one logged with its stack trace).</summary>
    public long Faults => Interlocked.Read(ref _faults);

    /// <summary>Links reopened because they stopped moving with messages queued.</summary>
    public long Stalls => Interlocked.Read(ref _stalls);

    /// <summary>Messages from peers that never arrived (seen as holes in their sequence numbers).</summary>
    public long ReplayGaps => Interlocked.Read(ref _replayGaps);

    /// <summary>Gossip calls refused for a wrong or missing cluster key.</summary>
    public long RejectedCalls => Interlocked.Read(ref _rejectedCalls);

    /// <summary>Counts a refused call; true the first time this host is refused (so the log says it once per peer).</summary>
    public bool CountRejectedCall(string host)
    {
        Interlocked.Increment(ref _rejectedCalls);
        lock (_rejectedHosts)
        {
            if (_rejectedHosts.Count >= 1024)
            {
                return false; // bounded: a flood of hosts is still counted, just not logged one by one
            }
            return _rejectedHosts.Add(host);
        }
    }

    public void CountGap(ulong missing) => Interlocked.Add(ref _replayGaps, (long)missing);

    public void CountFault(string where, Exception exception)
    {
        Interlocked.Increment(ref _faults);
        LogFault(where, exception);
    }

    public void CountStall(string peer, int queued, long stalledMs)
    {
        Interlocked.Increment(ref _stalls);
        LogStalled(peer, queued, stalledMs);
    }

    /// <summary>Runs a step of background work; whatever it throws is counted and logged, never rethrown.</summary>
    public void Guarded(string where, Action step)
    {
        try
        {
            step();
        }
        catch (Exception ex)
        {
            CountFault(where, ex);
        }
    }

    [LoggerMessage(EventId = 3024, Level = LogLevel.Error, Message = "Unexpected fault in gossip ({Where}); counted in gossip_faults, the node carries on")]
    private partial void LogFault(string where, Exception exception);

    [LoggerMessage(EventId = 3025, Level = LogLevel.Warning, Message = "Gossip link to {Peer} stalled with {Queued} message(s) queued and no progress for {StalledMs} ms; reopening it to replay from the last acknowledgement")]
    private partial void LogStalled(string peer, int queued, long stalledMs);
}
