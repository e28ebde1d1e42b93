namespace Aspire.Hosting;

/// <summary>Names of the properties a node's and the cluster's dashboard rows carry, kept current while running.</summary>
public static class RedisCloneProperties
{
    /// <summary>Cluster: how many nodes it has.</summary>
    public const string Nodes = "redisclone.nodes";

    /// <summary>Cluster: how many nodes are running.</summary>
    public const string NodesRunning = "redisclone.nodes.running";

    /// <summary>Node: peers seen alive (INFO gossip's <c>gossip_peers_alive</c>).</summary>
    public const string PeersAlive = "redisclone.peers.alive";

    /// <summary>Node: clients subscribed to at least one channel or pattern (CLIENT LIST).</summary>
    public const string Subscribers = "redisclone.subscribers";

    /// <summary>Node: channels with a subscriber here (INFO's <c>pubsub_channels</c>).</summary>
    public const string Channels = "redisclone.channels";

    /// <summary>Node: holes seen in peers' message sequences (<c>gossip_replay_gaps</c>).</summary>
    public const string ReplayGaps = "redisclone.replay.gaps";

    /// <summary>Node: restarts after a crash, by the AppHost.</summary>
    public const string Restarts = "redisclone.restarts";
}
