namespace RedisClone.Node.PubSub;

/// <summary>Told by the pub/sub broker when this node's interest changes (first subscriber in, last one out).</summary>
internal interface IInterestListener
{
    Task InterestChanged(PubSubBroker.Kind kind, byte[] name, bool added, ulong version);
}
