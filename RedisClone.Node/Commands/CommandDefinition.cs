namespace RedisClone.Node.Commands;

internal delegate void CommandHandler(CommandContext context);

/// <summary>Command properties, named as Redis's COMMAND INFO names them.</summary>
[Flags]
internal enum CommandFlags
{
    None = 0,
    Write = 1 << 0,
    ReadOnly = 1 << 1,
    DenyOom = 1 << 2,
    Admin = 1 << 3,
    PubSub = 1 << 4,
    NoScript = 1 << 5,
    Loading = 1 << 6,
    Stale = 1 << 7,
    SkipMonitor = 1 << 8,
    SkipSlowlog = 1 << 9,
    Fast = 1 << 10,
    NoAuth = 1 << 11,
    NoMulti = 1 << 12,
    AllowBusy = 1 << 13,
    /// <summary>Runs under RESP2 while the client has subscriptions (Redis's "subscribed mode").</summary>
    AllowedWhenSubscribed = 1 << 14,
    /// <summary>Runs immediately inside MULTI instead of being queued (EXEC, DISCARD, MULTI, WATCH, QUIT, RESET).</summary>
    TransactionControl = 1 << 15,
    /// <summary>Redis's internal may-replicate (PUBLISH, SPUBLISH): not shown by COMMAND INFO, refused to monitors like writes.</summary>
    MayReplicate = 1 << 16,
    /// <summary>May block the client (BLPOP and friends).</summary>
    Blocking = 1 << 17,
    /// <summary>The keys' positions depend on the arguments (LMPOP's numkeys): first/last/step are 0.</summary>
    MovableKeys = 1 << 18,
}

/// <summary>What COMMAND DOCS tells about a command; <see cref="Syntax"/> is its argument line as Redis's docs write it.</summary>
internal sealed record CommandDoc(string Summary, string Since, string Group, string Complexity, string Syntax = "");

/// <summary>One row of the command table: its <see cref="CommandMetadata"/> from commands.json, its handler and its call counts.</summary>
internal sealed class CommandDefinition
{
    internal CommandDefinition(CommandMetadata metadata, CommandHandler handler)
    {
        Name = metadata.Name;
        FullName = metadata.Name;
        Arity = metadata.Arity;
        Flags = metadata.Flags;
        Handler = handler;
        AclCategories = [.. metadata.AclCategories];
        Doc = metadata.Doc;
        FirstKey = metadata.FirstKey;
        LastKey = metadata.LastKey;
        KeyStep = metadata.KeyStep;
        LooksUpForWrite = Flags.HasFlag(CommandFlags.Write) && !Name.EndsWith("store", StringComparison.Ordinal) && Name != "smove";
    }

    /// <summary>
    /// Whether Redis looks this command's keys up with lookupKeyWrite (not counted in INFO's keyspace_hits/misses):
    /// every writing command, except that the *STORE commands and SMOVE read their sources with lookupKeyRead
    /// (KeyspaceStatsCompatibilityTests compares each with redis-server).
    /// </summary>
    public bool LooksUpForWrite { get; }

    /// <summary>Lower-case name as typed (the subcommand's own name for a subcommand).</summary>
    public string Name { get; }

    /// <summary>"get", or "client|setname" for a subcommand: the name Redis puts in its error texts.</summary>
    public string FullName { get; private set; }

    /// <summary>"GET", "CLIENT|LIST": the span name and db.operation.name of the command.</summary>
    public string OperationName => _operationName ??= FullName.ToUpperInvariant();

    private string? _operationName;

    /// <summary>Redis's arity: N means exactly N arguments with the name; -N means at least N.</summary>
    public int Arity { get; }

    public CommandFlags Flags { get; }

    public CommandHandler Handler { get; }

    public string[] AclCategories { get; }

    public CommandDoc Doc { get; }

    public int FirstKey { get; }

    public int LastKey { get; }

    public int KeyStep { get; }

    public CommandDefinition? Parent { get; private set; }

    public IReadOnlyDictionary<string, CommandDefinition>? Subcommands => _subcommands;

    private Dictionary<string, CommandDefinition>? _subcommands;
    private Dictionary<string, CommandDefinition>.AlternateLookup<ReadOnlySpan<char>> _subcommandLookup;

    /// <summary>Calls so far, for INFO commandstats.</summary>
    public long Calls { get; set; }

    public long FailedCalls { get; set; }

    public long Microseconds { get; set; }

    public bool Has(CommandFlags flag) => (Flags & flag) != 0;

    public bool ArityAccepts(int argumentCount) => Arity > 0 ? argumentCount == Arity : argumentCount >= -Arity;

    internal CommandDefinition WithSubcommands(IEnumerable<CommandDefinition> subcommands)
    {
        _subcommands = new Dictionary<string, CommandDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach (CommandDefinition sub in subcommands)
        {
            sub.Parent = this;
            sub.FullName = Name + "|" + sub.Name;
            _subcommands[sub.Name] = sub;
        }
        _subcommandLookup = _subcommands.GetAlternateLookup<ReadOnlySpan<char>>();
        return this;
    }

    public CommandDefinition? FindSubcommand(ReadOnlySpan<byte> name) =>
        _subcommands is not null && CommandTable.TryWiden(name, out Span<char> chars, stackalloc char[CommandTable.MaxNameLength])
            && _subcommandLookup.TryGetValue(chars, out CommandDefinition? sub) ? sub : null;
}
