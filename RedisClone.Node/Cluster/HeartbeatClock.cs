namespace RedisClone.Node.Cluster;

/// <summary>When a link's next heartbeat is due; every fourth one also carries the member list.</summary>
internal sealed class HeartbeatClock(int periodMs)
{
    private long _next = Environment.TickCount64 + periodMs;
    private int _beats;

    public long MillisecondsToNext => _next - Environment.TickCount64;

    /// <summary>True (and the clock moves on) when a heartbeat is due now.</summary>
    public bool Due(out bool withMembers)
    {
        long now = Environment.TickCount64;
        withMembers = false;
        if (now < _next)
        {
            return false;
        }
        _next = now + periodMs;
        withMembers = ++_beats % 4 == 0;
        return true;
    }
}
