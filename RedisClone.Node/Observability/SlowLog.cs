using System.Globalization;
using System.Text;
using RedisClone.Node.Protocol;

namespace RedisClone.Node.Observability;

/// <summary>One slow-log entry, as SLOWLOG GET shows it.</summary>
internal sealed record SlowLogEntry(long Id, long UnixSeconds, long Microseconds, byte[][] Arguments, string ClientAddress, string ClientName);

/// <summary>
/// Redis's slow log: the latest commands that ran at least slowlog-log-slower-than microseconds, newest first, at most
/// slowlog-max-len of them. Only touched under the keyspace lock (commands run under it), so it needs no lock of its own.
/// </summary>
internal sealed class SlowLog
{
    // Redis's SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING: a logged command keeps at most this much of its text.
    public const int MaxArguments = 32;
    public const int MaxArgumentBytes = 128;

    private static readonly byte[] Redacted = "(redacted)"u8.ToArray();

    private readonly LinkedList<SlowLogEntry> _entries = new();
    private long _nextId;

    public int Count => _entries.Count;

    /// <summary>Newest first.</summary>
    public IEnumerable<SlowLogEntry> Entries => _entries;

    /// <summary>Empties the log; ids go on from where they were, as in Redis.</summary>
    public void Reset() => _entries.Clear();

    /// <summary>Logs a command that just ran, then drops the oldest entries past <paramref name="maxLength"/>.</summary>
    public void Add(CommandArguments args, ReadOnlySpan<int> redacted, string clientAddress, string clientName, long microseconds, long maxLength)
    {
        _entries.AddFirst(new SlowLogEntry(_nextId++, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), microseconds, Arguments(args, redacted),
            clientAddress, clientName));
        while (_entries.Count > maxLength)
        {
            _entries.RemoveLast();
        }
    }

    /// <summary>
    /// The arguments as Redis keeps them: at most 32, the last of those then saying how many more there were; each at
    /// most 128 bytes followed by how many more it had; a redacted argument (a password) as "(redacted)".
    /// </summary>
    private static byte[][] Arguments(CommandArguments args, ReadOnlySpan<int> redacted)
    {
        int count = args.Count;
        int kept = Math.Min(count, MaxArguments);
        var arguments = new byte[kept][];
        for (int i = 0; i < kept; i++)
        {
            if (kept != count && i == kept - 1)
            {
                arguments[i] = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"... ({count - kept + 1} more arguments)"));
                continue;
            }
            if (redacted.Contains(i))
            {
                arguments[i] = Redacted;
                continue;
            }
            ReadOnlySpan<byte> argument = args[i];
            arguments[i] = argument.Length <= MaxArgumentBytes
                ? argument.ToArray()
                : [.. argument[..MaxArgumentBytes], .. Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"... ({argument.Length - MaxArgumentBytes} more bytes)"))];
        }
        return arguments;
    }
}
