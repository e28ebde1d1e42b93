using RedisClone.Node.Commands.Hashes;
using RedisClone.Node.Commands.Keys;
using RedisClone.Node.Commands.Lists;
using RedisClone.Node.Commands.PubSub;
using RedisClone.Node.Commands.Server;
using RedisClone.Node.Commands.Sets;
using RedisClone.Node.Commands.SortedSets;
using RedisClone.Node.Commands.Strings;
using RedisClone.Node.Commands.Transactions;

namespace RedisClone.Node.Commands.Registration;

/// <summary>
/// The one place that names every handler family: the command table and INFO's sections are put together here, above
/// the families, so the dispatch core (<see cref="CommandTable"/>, <see cref="NodeServer"/>) names none of them.
/// </summary>
internal static class CommandRegistration
{
    /// <summary>Every row of commands.json joined with its family's handler.</summary>
    public static CommandTable CreateTable()
    {
        var bindings = new CommandBindings();
        StringCommands.Register(bindings);
        HashCommands.Register(bindings);
        SetCommands.Register(bindings);
        ListCommands.Register(bindings);
        KeyCommands.Register(bindings);
        ExpiryCommands.Register(bindings);
        DatabaseCommands.Register(bindings);
        TransactionCommands.Register(bindings);
        ConnectionCommands.Register(bindings);
        ClientCommands.Register(bindings);
        ServerCommands.Register(bindings);
        ConfigCommands.Register(bindings);
        IntrospectionCommands.Register(bindings);
        PubSubCommands.Register(bindings);
        MonitorCommands.Register(bindings);
        ClusterCommands.Register(bindings);
        DebugCommands.Register(bindings);
        SlowlogCommands.Register(bindings);
        LatencyCommands.Register(bindings);
        MemoryCommands.Register(bindings);
        AclCommands.Register(bindings);
        ReplicationCommands.Register(bindings);
        SortedSetCommands.Register(bindings);
        return new CommandTable(CommandCatalog.Rows, bindings);
    }

    /// <summary>INFO's sections in order: the server's own, with the gossip section before the keyspace.</summary>
    public static List<InfoSection> InfoSections()
    {
        List<InfoSection> sections = [.. ServerCommands.CoreSections()];
        sections.Insert(sections.FindIndex(s => s.Name == "keyspace"), GossipInfo.Section);
        return sections;
    }
}
