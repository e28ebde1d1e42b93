namespace RedisClone.Node.Configuration;

/// <summary>notify-keyspace-events: which keyspace notifications are published (Redis's flag letters).</summary>
[Flags]
internal enum KeyspaceEventFlags
{
    None = 0,
    Keyspace = 1 << 0, // K: __keyspace@<db>__:<key> with the event as message
    Keyevent = 1 << 1, // E: __keyevent@<db>__:<event> with the key as message
    Generic = 1 << 2, // g: DEL, EXPIRE, RENAME, ...
    Strings = 1 << 3, // $
    List = 1 << 4, // l
    Set = 1 << 5, // s
    Hash = 1 << 6, // h
    ZSet = 1 << 7, // z
    Expired = 1 << 8, // x
    Evicted = 1 << 9, // e
    Stream = 1 << 10, // t
    KeyMiss = 1 << 11, // m (not part of A)
    Module = 1 << 12, // d
    New = 1 << 13, // n (not part of A)
    All = Generic | Strings | List | Set | Hash | ZSet | Expired | Evicted | Stream | Module, // A
}

/// <summary>Redis's keyspaceEventsStringToFlags and keyspaceEventsFlagsToString.</summary>
internal static class KeyspaceEvents
{
    private static readonly (char Letter, KeyspaceEventFlags Flag)[] Letters =
    [
        ('g', KeyspaceEventFlags.Generic), ('$', KeyspaceEventFlags.Strings), ('l', KeyspaceEventFlags.List),
        ('s', KeyspaceEventFlags.Set), ('h', KeyspaceEventFlags.Hash), ('z', KeyspaceEventFlags.ZSet),
        ('x', KeyspaceEventFlags.Expired), ('e', KeyspaceEventFlags.Evicted), ('t', KeyspaceEventFlags.Stream),
        ('d', KeyspaceEventFlags.Module),
    ];

    public static bool TryParse(string text, out KeyspaceEventFlags flags)
    {
        flags = KeyspaceEventFlags.None;
        foreach (char ch in text)
        {
            KeyspaceEventFlags flag = ch switch
            {
                'A' => KeyspaceEventFlags.All,
                'K' => KeyspaceEventFlags.Keyspace,
                'E' => KeyspaceEventFlags.Keyevent,
                'm' => KeyspaceEventFlags.KeyMiss,
                'n' => KeyspaceEventFlags.New,
                _ => Letters.FirstOrDefault(l => l.Letter == ch).Flag,
            };
            if (flag == KeyspaceEventFlags.None)
            {
                return false;
            }
            flags |= flag;
        }
        return true;
    }

    public static string Format(KeyspaceEventFlags flags)
    {
        var text = new System.Text.StringBuilder();
        if ((flags & KeyspaceEventFlags.All) == KeyspaceEventFlags.All)
        {
            text.Append('A');
        }
        else
        {
            foreach ((char letter, KeyspaceEventFlags flag) in Letters)
            {
                if (flags.HasFlag(flag))
                {
                    text.Append(letter);
                }
            }
        }
        if (flags.HasFlag(KeyspaceEventFlags.Keyspace))
        {
            text.Append('K');
        }
        if (flags.HasFlag(KeyspaceEventFlags.Keyevent))
        {
            text.Append('E');
        }
        if (flags.HasFlag(KeyspaceEventFlags.KeyMiss))
        {
            text.Append('m');
        }
        if (flags.HasFlag(KeyspaceEventFlags.New))
        {
            text.Append('n');
        }
        return text.ToString();
    }
}
