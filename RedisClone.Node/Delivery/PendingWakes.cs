namespace RedisClone.Node.Delivery;

/// <summary>Queues that have frames and have not been woken yet; used by one thread at a time.</summary>
internal sealed class PendingWakes
{
    private readonly List<OutboundQueue> _queues = [];

    internal void Add(OutboundQueue queue) => _queues.Add(queue);

    public void WakeAll()
    {
        foreach (OutboundQueue queue in _queues)
        {
            queue.Wake();
        }
        _queues.Clear();
    }
}
