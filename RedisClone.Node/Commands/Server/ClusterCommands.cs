using RedisClone.Node.Protocol;

namespace RedisClone.Node.Commands.Server;

/// <summary>
/// CLUSTER answers as a standalone Redis does. Keys are not sharded across nodes, so cluster-aware clients must not
/// take the node for a Redis Cluster; the node's own cluster (pub/sub gossip) is reported by INFO's Gossip section.
/// </summary>
internal static class ClusterCommands
{
    // Every subcommand Redis 7.2 lists; commands.json holds their arity and flags.
    private static readonly string[] Subcommands =
    [
        "addslots", "addslotsrange", "bumpepoch", "count-failure-reports", "countkeysinslot", "delslots",
        "delslotsrange", "failover", "flushslots", "forget", "getkeysinslot", "help", "info", "keyslot", "links",
        "meet", "myid", "myshardid", "nodes", "replicas", "replicate", "reset", "saveconfig", "set-config-epoch",
        "setslot", "shards", "slaves", "slots",
    ];

    public static void Register(CommandBindings t)
    {
        t.AddContainer("cluster");
        foreach (string name in Subcommands)
        {
            t.Add("cluster|" + name, Disabled);
        }
    }

    private static void Disabled(CommandContext c) => c.Reply.WriteError(RespLiterals.ClusterSupportDisabled);
}
