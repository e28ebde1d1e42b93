using RedisClone.Node.Configuration;

namespace RedisClone.Node.Cluster;

/// <summary>What a link to a peer uses of this node; one set per node, shared by all its links.</summary>
internal sealed record PeerLinkServices(
    NodeSettings Settings,
    LocalIdentity Self,
    ClusterKey Key,
    PeerChannelFactory Channels,
    FaultSwitch FaultSwitch,
    FaultCounters Faults,
    Membership Members,
    InterestAnnouncer Interest);
