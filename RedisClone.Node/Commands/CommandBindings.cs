namespace RedisClone.Node.Commands;

/// <summary>
/// The handlers each command family registers by name ("get", "client|list"). <see cref="CommandTable"/> joins them
/// with the rows of commands.json and refuses to start when a row has no handler or a handler has no row.
/// </summary>
internal sealed class CommandBindings
{
    /// <summary>What a container runs with no subcommand: never, since its arity asks for one (checked at start).</summary>
    internal static readonly CommandHandler Container = static _ => { };

    private readonly Dictionary<string, CommandHandler> _handlers = new(StringComparer.Ordinal);

    /// <param name="fullName">The name as commands.json nests it: "get", or "client|list" for a subcommand.</param>
    public void Add(string fullName, CommandHandler handler)
    {
        if (!_handlers.TryAdd(fullName, handler))
        {
            throw new InvalidOperationException($"Command '{fullName}' is registered twice");
        }
    }

    /// <summary>A command that only holds subcommands (CLIENT, CONFIG): each subcommand brings its own handler.</summary>
    public void AddContainer(string name) => Add(name, Container);

    internal CommandHandler Take(string fullName) =>
        _handlers.Remove(fullName, out CommandHandler? handler)
            ? handler
            : throw new InvalidOperationException($"Command '{fullName}' has a row in {CommandCatalog.ResourceName} but no handler: register it in its family's Register method");

    internal void ThrowIfAnyLeft()
    {
        if (_handlers.Count > 0)
        {
            throw new InvalidOperationException(
                $"Command '{string.Join("', '", _handlers.Keys)}' has a handler but no row in {CommandCatalog.ResourceName}");
        }
    }
}
