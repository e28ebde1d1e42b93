using System.Text;

namespace RedisClone.Node.Commands;

/// <summary>
/// Every command the node knows (a row of commands.json joined with its handler), looked up case-insensitively from the
/// request bytes without allocating.
/// A name that is not here is an unknown command: nothing is faked.
/// </summary>
internal sealed class CommandTable
{
    public const int MaxNameLength = 64;

    private readonly Dictionary<string, CommandDefinition> _commands = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, CommandDefinition>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    /// <summary>Joins each row of <paramref name="rows"/> with its handler from <paramref name="bindings"/>, in the rows' order.</summary>
    internal CommandTable(IReadOnlyList<CommandMetadata> rows, CommandBindings bindings)
    {
        _lookup = _commands.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (CommandMetadata row in rows)
        {
            CommandDefinition command = Define(row, bindings, row.Name);
            if (row.Subcommands is not null)
            {
                command.WithSubcommands(row.Subcommands.Select(sub => Define(sub, bindings, row.Name + "|" + sub.Name)).ToList());
            }
            _commands.Add(row.Name, command);
        }
        bindings.ThrowIfAnyLeft();
    }

    private static CommandDefinition Define(CommandMetadata row, CommandBindings bindings, string fullName)
    {
        CommandHandler handler = bindings.Take(fullName);
        // A container's own handler must never run: only an arity that asks for a subcommand guarantees it.
        if (handler == CommandBindings.Container && (row.Subcommands is null || row.Arity > -2))
        {
            throw new InvalidOperationException($"Command '{fullName}' is registered as a container but its row has no subcommands or an arity that lets it run alone");
        }
        return new CommandDefinition(row, handler);
    }

    public IEnumerable<CommandDefinition> All => _commands.Values;

    public int Count => _commands.Count;

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
