using System.Text;
using RedisClone.Node.Clients;
using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;

namespace RedisClone.Node.Commands;

/// <summary>What a handler sees: the arguments, the reply writer, its client and the node. One per connection, reused.</summary>
internal sealed class CommandContext
{
    public CommandContext(NodeServer server, ClientSession client, RespWriter reply, CommandArguments args)
    {
        Server = server;
        Client = client;
        Reply = reply;
        Args = args;
    }

    public NodeServer Server { get; }
    public ClientSession Client { get; }
    public RespWriter Reply { get; }
    public CommandArguments Args { get; }
    public Keyspace Keyspace => Server.Keyspace;
    public Database Db => Server.Keyspace[Client.DbIndex];
    public long Now => Server.Keyspace.NowMs;

    /// <summary>The command being run (the subcommand's definition for a container command).</summary>
    public CommandDefinition Command { get; set; } = null!;

    /// <summary>
    /// When the previous command of the running batch ended (a Stopwatch timestamp): the next command's time starts
    /// there, so each command costs one clock read, not two. A command's time therefore includes parsing and checking
    /// it, a few tens of nanoseconds that Redis's commandstats leave out.
    /// </summary>
    public long ClockMark { get; set; }

    /// <summary>The command found for the previous request of this connection, with its name as the client spelled it.</summary>
    private CommandDefinition? _lastCommand;
    private readonly byte[] _lastName = new byte[16];
    private int _lastNameLength = -1;

    /// <summary>
    /// The command table's lookup with a one-entry cache: a pipeline repeats its command, and comparing a few bytes is
    /// cheaper than widening the name and hashing it case-insensitively.
    /// </summary>
    public CommandDefinition? FindCommand(ReadOnlySpan<byte> name)
    {
        if (name.Length == _lastNameLength && name.SequenceEqual(_lastName.AsSpan(0, _lastNameLength)))
        {
            return _lastCommand;
        }
        CommandDefinition? found = Server.Commands.Find(name);
        if (found is not null && name.Length <= _lastName.Length)
        {
            name.CopyTo(_lastName);
            _lastNameLength = name.Length;
            _lastCommand = found;
        }
        return found;
    }

    /// <summary>True while EXEC runs the queued commands (Redis's CLIENT_DENY_BLOCKING: MONITOR refuses to start).</summary>
    public bool RunningTransaction { get; set; }

    private List<int>? _redacted;

    /// <summary>Arguments the running command asked to hide from MONITOR (passwords), as Redis's redactClientCommandArgument.</summary>
    public ReadOnlySpan<int> RedactedArguments => _redacted is null ? default : System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_redacted);

    public void Redact(int index) => (_redacted ??= []).Add(index);

    /// <summary>Forgets redactions once the command has been shown to monitors.</summary>
    public void ClearRedactions() => _redacted?.Clear();

    public void WrongArity() => Reply.WriteError(RespLiterals.WrongArity(Command.FullName));

    public void SyntaxError() => Reply.WriteError(RespLiterals.SyntaxError);

    /// <summary>Parses argument <paramref name="index"/> as Redis's integer; writes the error and returns false otherwise.</summary>
    public bool TryInteger(int index, out long value)
    {
        if (RespNumber.TryParseInt64(Args[index], out value))
        {
            return true;
        }
        Reply.WriteError(RespLiterals.NotInteger);
        return false;
    }

    /// <summary>
    /// Redis's getIntFromObjectOrReply: an integer that fits in 32 bits. Writes <paramref name="error"/> when given
    /// (for either failure, as Redis does), else Redis's texts for "not an integer" and "out of range".
    /// </summary>
    public bool TryInt32(int index, out int value, string? error = null)
    {
        value = 0;
        if (!RespNumber.TryParseInt64(Args[index], out long parsed))
        {
            Reply.WriteError(error ?? RespLiterals.NotInteger);
            return false;
        }
        if (parsed is < int.MinValue or > int.MaxValue)
        {
            Reply.WriteError(error ?? RespLiterals.NotInt32);
            return false;
        }
        value = (int)parsed;
        return true;
    }

    public string ArgString(int index) => System.Text.Encoding.UTF8.GetString(Args[index]);

    public bool ArgIs(int index, ReadOnlySpan<byte> upperCaseToken) => Ascii.EqualsIgnoreCase(Args[index], upperCaseToken);
}
