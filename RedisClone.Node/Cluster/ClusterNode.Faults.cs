using Microsoft.Extensions.Logging;

namespace RedisClone.Node.Cluster;

/// <summary>
/// What went wrong, counted (INFO # Gossip, metrics) and logged. No fault inside gossip code ends the process: every
/// loop, timer callback and stream handler hands what it did not expect to <see cref="CountFault"/> and carries on
/// or reopens its link.
/// </summary>
public sealed partial class ClusterNode
{
    private long _faults;
    private long _stalls;
    private long _replayGaps;
    private long _rejectedCalls;

    /// <summary>Unexpected exceptions caught in gossip code (each one logged with its stack trace).</summary>
    public long Faults => Interlocked.Read(ref _faults);

    /// <summary>Links reopened because they stopped moving with messages queued.</summary>
    public long Stalls => Interlocked.Read(ref _stalls);

    /// <summary>Messages from peers that never arrived (seen as holes in their sequence numbers).</summary>
    public long ReplayGaps => Interlocked.Read(ref _replayGaps);

    /// <summary>Gossip calls refused for a wrong or missing cluster key.</summary>
    public long RejectedCalls => Interlocked.Read(ref _rejectedCalls);

    /// <summary>Messages numbered for peers but never sent to them (window overflow, peer dead, peer restarted).</summary>
    public long Dropped => MembersSnapshot().Sum(m => m.Link?.Log.Dropped ?? 0);

    private readonly HashSet<string> _rejectedHosts = [];

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

    private void CountStall(string peer, int queued, long stalledMs)
    {
        Interlocked.Increment(ref _stalls);
        LogStalled(peer, queued, stalledMs);
    }

    /// <summary>Runs a step of background work; whatever it throws is counted and logged, never rethrown.</summary>
    private void Guarded(string where, Action step)
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

    [LoggerMessage(EventId = 3020, Level = LogLevel.Information, Message = "Cluster node {Name} gossiping at {Address} with {Seeds} seed(s)")]
    private partial void LogStarted(string name, string address, int seeds);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Information, Message = "Peer {Name} joined at {Address}")]
    private partial void LogMemberJoined(string name, string address);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Information, Message = "Peer {Name} restarted (new incarnation)")]
    private partial void LogMemberRestarted(string name);

    [LoggerMessage(EventId = 3023, Level = LogLevel.Warning, Message = "Peer {Name} is now {State} (silent for {SilenceMs} ms)")]
    private partial void LogStateChanged(string name, string state, long silenceMs);

    [LoggerMessage(EventId = 3024, Level = LogLevel.Error, Message = "Unexpected fault in gossip ({Where}); counted in gossip_faults, the node carries on")]
    private partial void LogFault(string where, Exception exception);

    [LoggerMessage(EventId = 3025, Level = LogLevel.Warning, Message = "Gossip link to {Peer} stalled with {Queued} message(s) queued and no progress for {StalledMs} ms; reopening it to replay from the last acknowledgement")]
    private partial void LogStalled(string peer, int queued, long stalledMs);

    [LoggerMessage(EventId = 3027, Level = LogLevel.Information, Message = "Cluster node {How} after {Ms} ms ({Known} of {Members} peers' subscriptions known); clients are served now")]
    private partial void LogFormed(string how, long ms, int known, int members);

    [LoggerMessage(EventId = 3026, Level = LogLevel.Warning, Message = "Shutting down before peer {Peer} acknowledged {Count} message(s)")]
    private partial void LogDrainIncomplete(string peer, ulong count);
}
