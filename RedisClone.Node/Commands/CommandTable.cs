using System.Text;

namespace RedisClone.Node.Commands;

/// <summary>
/// Every command the node knows, looked up case-insensitively from the request bytes without allocating.
/// A name that is not here is an unknown command: nothing is faked.
/// </summary>
public sealed class CommandTable
{
    public const int MaxNameLength = 64;

    private readonly Dictionary<string, CommandDefinition> _commands = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, CommandDefinition>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public CommandTable()
    {
        _lookup = _commands.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public static CommandTable CreateDefault()
    {
        var table = new CommandTable();
        StringCommands.Register(table);
        HashCommands.Register(table);
        SetCommands.Register(table);
        ListCommands.Register(table);
        KeyCommands.Register(table);
        ExpiryCommands.Register(table);
        DatabaseCommands.Register(table);
        TransactionCommands.Register(table);
        ConnectionCommands.Register(table);
        ClientCommands.Register(table);
        ServerCommands.Register(table);
        ConfigCommands.Register(table);
        IntrospectionCommands.Register(table);
        PubSubCommands.Register(table);
        MonitorCommands.Register(table);
        ClusterCommands.Register(table);
        DebugCommands.Register(table);
        SlowlogCommands.Register(table);
        LatencyCommands.Register(table);
        MemoryCommands.Register(table);
        AclCommands.Register(table);
        ReplicationCommands.Register(table);
        SortedSetCommands.Register(table);
        return table;
    }

    public IEnumerable<CommandDefinition> All => _commands.Values;

    public int Count => _commands.Count;

    public void Add(CommandDefinition command) => _commands.Add(command.Name, command);

    public CommandDefinition? Find(ReadOnlySpan<byte> name) =>
        TryWiden(name, out Span<char> chars, stackalloc char[MaxNameLength]) && _lookup.TryGetValue(chars, out CommandDefinition? command) ? command : null;

    public CommandDefinition? Find(string name) => _commands.GetValueOrDefault(name);

    /// <summary>Widens an ASCII name into <paramref name="buffer"/>; false for names too long to be a command.</summary>
    internal static bool TryWiden(ReadOnlySpan<byte> name, out Span<char> chars, Span<char> buffer)
    {
        if (name.Length > buffer.Length)
        {
            chars = default;
            return false;
        }
        chars = buffer[..name.Length];
        Encoding.Latin1.GetChars(name, chars);
        return true;
    }
}
