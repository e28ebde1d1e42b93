namespace RedisClone.Node.Commands;

/// <summary>
/// CLUSTER answers as a standalone Redis does. Keys are not sharded across nodes, so cluster-aware clients must not
/// take the node for a Redis Cluster; the node's own cluster (pub/sub gossip) is reported by INFO's Gossip section.
/// </summary>
public static class ClusterCommands
{
    private static readonly string[] Subcommands =
    [
        "addslots", "addslotsrange", "bumpepoch", "count-failure-reports", "countkeysinslot", "delslots", "delslotsrange",
        "failover", "flushslots", "forget", "getkeysinslot", "help", "info", "keyslot", "links", "meet", "myid", "myshardid",
        "nodes", "replicas", "replicate", "reset", "saveconfig", "set-config-epoch", "setslot", "shards", "slaves", "slots",
    ];

    public static void Register(CommandTable t)
    {
        t.Add(new CommandDefinition("cluster", -2, CommandFlags.None, static _ => { }, "@slow", new("A container for Redis Cluster commands.", "3.0.0", "cluster", "Depends on subcommand."))
            .WithSubcommands(Subcommands.Select(name => new CommandDefinition(name, -2, CommandFlags.Loading | CommandFlags.Stale, Disabled, "@slow",
                new($"CLUSTER {name.ToUpperInvariant()} (cluster support is disabled on this node).", "3.0.0", "cluster", "O(1)"))).ToArray()));
    }

    private static void Disabled(CommandContext c) => c.Reply.WriteError("ERR This instance has cluster support disabled");
}
