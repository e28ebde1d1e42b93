using RedisClone.Node.Configuration;

namespace RedisClone.Node.Cluster;

/// <summary>
/// The one place a member's state changes, from how long it has been silent, checked on a timer at half the
/// heartbeat. A peer found dead has its queue dropped (counted) and both links restarted, so when it returns it says
/// how far it got and learns what it missed; its interest is kept, so messages for it are still numbered and the
/// hole shows when it returns. A link that stopped moving with messages queued is reopened, to replay from the last
/// acknowledgement.
/// </summary>
internal sealed partial class Liveness : IAsyncDisposable
{
    private readonly Membership _members;
    private readonly NodeSettings _settings;
    private readonly FaultCounters _faults;
    private readonly ILogger _logger;
    private Timer? _timer;

    public Liveness(Membership members, NodeSettings settings, FaultCounters faults, ILogger logger)
    {
        _members = members;
        _settings = settings;
        _faults = faults;
        _logger = logger;
    }

    public void Start()
    {
        int period = Math.Max(10, _settings.ClusterHeartbeatMs / 2);
        _timer = new Timer(_ => _faults.Guarded("liveness check", Check), null, period, period);
    }

    private void Check()
    {
        long now = Environment.TickCount64;
        foreach (Member member in _members.Snapshot())
        {
            _faults.Guarded("liveness of " + member.Name, () => CheckMember(member, now));
        }
    }

    private void CheckMember(Member member, long now)
    {
        long silence = now - member.LastSeenTicks;
        MemberState state = silence > _settings.ClusterDeadMs ? MemberState.Dead
            : silence > _settings.ClusterSuspectMs ? MemberState.Suspect
            : MemberState.Alive;
        PeerLink? link = member.Link;
        if (state != member.State)
        {
            _members.SetState(member, state);
            LogStateChanged(member.Name, state.ToString().ToLowerInvariant(), silence);
            if (state == MemberState.Dead)
            {
                link?.Log.Discard();
                link?.Drop("peer dead");
                member.AbortInbound();
            }
        }
        // A peer busy with a big message is slow, not stuck: only a link that moved nothing for the dead time is.
        if (link is not null && state != MemberState.Dead && link.StalledFor(now) is long stalledMs && stalledMs > _settings.ClusterDeadMs)
        {
            _faults.CountStall(member.Name, link.Log.Count, stalledMs);
            link.Drop("stalled");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_timer is not null)
        {
            await _timer.DisposeAsync();
        }
    }

    [LoggerMessage(EventId = 3023, Level = LogLevel.Warning, Message = "Peer {Name} is now {State} (silent for {SilenceMs} ms)")]
    private partial void LogStateChanged(string name, string state, long silenceMs);
}
