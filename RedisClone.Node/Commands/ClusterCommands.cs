namespace RedisClone.Node.Commands;

/// <summary>
/// CLUSTER answers as a standalone Redis does. Keys are not sharded across nodes, so cluster-aware clients must not
/// take the node for a Redis Cluster; the node's own cluster (pub/sub gossip) is reported by INFO's Gossip section.
/// </summary>
public static class ClusterCommands
{
    // Name and arity of each subcommand, as Redis 7.2 lists them.
    private static readonly (string Name, int Arity)[] Subcommands =
    [
        ("addslots", -3), ("addslotsrange", -4), ("bumpepoch", 2), ("count-failure-reports", 3), ("countkeysinslot", 3),
        ("delslots", -3), ("delslotsrange", -4), ("failover", -2), ("flushslots", 2), ("forget", 3), ("getkeysinslot", 4),
        ("help", 2), ("info", 2), ("keyslot", 3), ("links", 2), ("meet", -4), ("myid", 2), ("myshardid", 2), ("nodes", 2),
        ("replicas", 3), ("replicate", 3), ("reset", -2), ("saveconfig", 2), ("set-config-epoch", 3), ("setslot", -4),
        ("shards", 2), ("slaves", 3), ("slots", 2),
    ];

    // The subcommands Redis flags admin (hidden from MONITOR like every admin command).
    private static readonly HashSet<string> Admin =
    [
        "addslots", "addslotsrange", "bumpepoch", "count-failure-reports", "delslots", "delslotsrange", "failover", "flushslots",
        "forget", "meet", "replicas", "replicate", "reset", "saveconfig", "set-config-epoch", "setslot", "slaves",
    ];

    public static void Register(CommandTable t)
    {
        t.Add(new CommandDefinition("cluster", -2, CommandFlags.None, static _ => { }, "@slow", new("A container for Redis Cluster commands.", "3.0.0", "cluster", "Depends on subcommand."))
            .WithSubcommands(Subcommands.Select(sub => new CommandDefinition(sub.Name, sub.Arity, CommandFlags.Loading | CommandFlags.Stale | (Admin.Contains(sub.Name) ? CommandFlags.Admin : 0), Disabled, "@slow",
                new($"CLUSTER {sub.Name.ToUpperInvariant()} (cluster support is disabled on this node).", "3.0.0", "cluster", "O(1)"))).ToArray()));
    }

    private static void Disabled(CommandContext c) => c.Reply.WriteError("ERR This instance has cluster support disabled");
}
