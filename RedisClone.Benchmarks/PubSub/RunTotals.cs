namespace RedisClone.Benchmarks.PubSub;

/// <summary>A snapshot of every connection's counters, summed (read while the connections keep counting).</summary>
public readonly record struct RunTotals(
    long Sent, long Acked, long PublishErrors, long Expected, long Delivered, long Duplicates, long OutOfOrder, long Unexpected, int ClosedSubscribers)
{
    /// <summary>Anything that shows the run is still moving: replies and arrivals of any kind.</summary>
    public long Activity => Acked + Delivered + Duplicates + Unexpected;

    public static RunTotals Of(IReadOnlyList<PublisherConnection> publishers, IReadOnlyList<SubscriberConnection> subscribers)
    {
        long sent = 0, acked = 0, errors = 0, expected = 0;
        foreach (PublisherConnection p in publishers)
        {
            expected += p.Expected;
            sent += p.Sent;
            acked += p.Acked;
            errors += p.Errors;
        }
        long delivered = 0, duplicates = 0, outOfOrder = 0, unexpected = 0;
        int closed = 0;
        foreach (SubscriberConnection s in subscribers)
        {
            delivered += s.Delivered;
            duplicates += s.Duplicates;
            outOfOrder += s.OutOfOrder;
            unexpected += s.Unexpected;
            closed += s.ClosedByServer ? 1 : 0;
        }
        return new RunTotals(sent, acked, errors, expected, delivered, duplicates, outOfOrder, unexpected, closed);
    }
}
