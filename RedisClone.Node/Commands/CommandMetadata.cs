namespace RedisClone.Node.Commands;

/// <summary>
/// One row of commands.json: everything COMMAND INFO and COMMAND DOCS print about a command, and the flags that steer
/// its dispatch. <see cref="Subcommands"/> is null for a command that is not a container.
/// </summary>
internal sealed record CommandMetadata(
    string Name,
    int Arity,
    CommandFlags Flags,
    IReadOnlyList<string> AclCategories,
    int FirstKey,
    int LastKey,
    int KeyStep,
    CommandDoc Doc,
    IReadOnlyList<CommandMetadata>? Subcommands);
