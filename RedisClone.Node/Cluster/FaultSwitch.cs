namespace RedisClone.Node.Cluster;

/// <summary>
/// The fault switch (DEBUG GOSSIP-CUT, tests): while it is set, every link is down and no new one is accepted or made.
/// It only keeps the time; <see cref="ClusterNode.CutLinks"/> ends the links open when it is thrown.
/// </summary>
internal sealed class FaultSwitch
{
    private long _cutUntilTicks;

    public bool LinksCut => Environment.TickCount64 < Interlocked.Read(ref _cutUntilTicks);

    public void Cut(TimeSpan duration) =>
        Interlocked.Exchange(ref _cutUntilTicks, Environment.TickCount64 + (long)duration.TotalMilliseconds);
}
