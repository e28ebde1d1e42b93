using Google.Protobuf;
using RedisClone.Node.Cluster.Protocol;
using RedisClone.Node.Configuration;
using RedisClone.Node.PubSub;

namespace RedisClone.Node.Cluster;

/// <summary>
/// This node's interest told to its peers: the whole of it when a link opens, and each change as the broker reports
/// it. A SUBSCRIBE that gives this node a new interest is acknowledged to the client only after every connected peer
/// routes by it.
/// </summary>
internal sealed class InterestAnnouncer : IInterestListener
{
    private readonly PubSubBroker _broker;
    private readonly Membership _members;
    private readonly NodeSettings _settings;

    public InterestAnnouncer(PubSubBroker broker, Membership members, NodeSettings settings)
    {
        _broker = broker;
        _members = members;
        _settings = settings;
    }

    public InterestSnapshot LocalInterestSnapshot()
    {
        (ulong version, List<byte[]> channels, List<byte[]> patterns, List<byte[]> shardChannels) = _broker.InterestState();
        var snapshot = new InterestSnapshot { Version = version };
        snapshot.Channels.AddRange(channels.Select(ByteString.CopyFrom));
        snapshot.Patterns.AddRange(patterns.Select(ByteString.CopyFrom));
        snapshot.ShardChannels.AddRange(shardChannels.Select(ByteString.CopyFrom));
        return snapshot;
    }

    /// <summary>Called by the broker (under its lock) when this node gains or loses an interest.</summary>
    public Task InterestChanged(PubSubBroker.Kind kind, byte[] name, bool added, ulong version)
    {
        var change = new InterestChange
        {
            Version = version,
            Kind = kind switch
            {
                PubSubBroker.Kind.Channel => InterestChange.Types.Kind.Channel,
                PubSubBroker.Kind.Pattern => InterestChange.Types.Kind.Pattern,
                _ => InterestChange.Types.Kind.ShardChannel,
            },
            Name = ByteString.CopyFrom(name),
            Added = added,
        };
        List<Task>? acks = null;
        foreach (PeerLink link in _members.AllLinks())
        {
            if (link.Member is null)
            {
                continue;
            }
            Task ack = link.SendInterestChange(change);
            if (!ack.IsCompleted)
            {
                (acks ??= []).Add(ack);
            }
        }
        if (acks is null || !added)
        {
            return Task.CompletedTask; // losing interest needs no wait: extra messages are simply not delivered
        }
        // A peer that does not answer within the suspect time is not "connected" any more.
        return Task.WhenAny(Task.WhenAll(acks), Task.Delay(_settings.ClusterSuspectMs));
    }
}
