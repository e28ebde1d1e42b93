using System.Text;

namespace RedisClone.Node.Protocol;

/// <summary>Pre-encoded replies and the error texts shared by several commands, worded exactly as Redis words them.</summary>
internal static class RespLiterals
{
    public static ReadOnlySpan<byte> Ok => "+OK\r\n"u8;
    public static ReadOnlySpan<byte> Queued => "+QUEUED\r\n"u8;
    public static ReadOnlySpan<byte> Pong => "+PONG\r\n"u8;
    public static ReadOnlySpan<byte> Reset => "+RESET\r\n"u8;
    public static ReadOnlySpan<byte> NullBulk => "$-1\r\n"u8;
    public static ReadOnlySpan<byte> NullArray => "*-1\r\n"u8;
    public static ReadOnlySpan<byte> Null3 => "_\r\n"u8;
    public static ReadOnlySpan<byte> EmptyArray => "*0\r\n"u8;
    public static ReadOnlySpan<byte> Zero => ":0\r\n"u8;
    public static ReadOnlySpan<byte> One => ":1\r\n"u8;
    public static ReadOnlySpan<byte> MinusOne => ":-1\r\n"u8;
    public static ReadOnlySpan<byte> MinusTwo => ":-2\r\n"u8;
    public static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    public const string SyntaxError = "ERR syntax error";
    public const string NotInteger = "ERR value is not an integer or out of range";
    public const string NotInt32 = "ERR value is out of range, value must between -2147483648 and 2147483647";
    public const string NotFloat = "ERR value is not a valid float";
    public const string WrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public const string NoAuth = "NOAUTH Authentication required.";
    public const string WrongPass = "WRONGPASS invalid username-password pair or user is disabled.";
    public const string Overflow = "ERR increment or decrement would overflow";
    public const string DbIndexOutOfRange = "ERR DB index is out of range";
    public const string NoSuchKey = "ERR no such key";
    public const string StringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    public const string MaxClients = "ERR max number of clients reached";
    public const string ExecAbort = "EXECABORT Transaction discarded because of previous errors.";
    public const string NoProto = "NOPROTO unsupported protocol version";

    /// <summary>
    /// Redis 7's reply to a client refused by protected mode, then closed: read from redis-server 7.0.15's binary
    /// (<c>strings</c>) and compared byte for byte with its reply to a client from 127.0.0.2 by a test ("a an" is Redis's).
    /// </summary>
    public static ReadOnlySpan<byte> ProtectedModeDenied =>
        "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n"u8;

    /// <summary>Redis 7's warning (as redis-server 7.0.15 logs it) for a client that sends POST or Host: as a command.</summary>
    public const string SecurityAttackWarning = "Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis. This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your Redis instance. Connection aborted.";

    /// <summary>
    /// Redis's addReplySubcommandSyntaxError: a subcommand given arguments it does not take (SLOWLOG GET 1 2), its name
    /// as typed, cut like "%.128s".
    /// </summary>
    public static byte[] SubcommandSyntaxError(ReadOnlySpan<byte> subcommand, string container) =>
        [.. "ERR unknown subcommand or wrong number of arguments for '"u8, .. CString(subcommand, 128), .. Encoding.ASCII.GetBytes($"'. Try {container.ToUpperInvariant()} HELP.")];

    public static string WrongArity(string fullName) => $"ERR wrong number of arguments for '{fullName}' command";

    public static string InvalidExpire(string command) => $"ERR invalid expire time in '{command}' command";

    /// <summary>Redis's text for a container command's unknown subcommand; the subcommand is cut like "%.128s".</summary>
    public static byte[] UnknownSubcommand(ReadOnlySpan<byte> subcommand, string container) =>
        [.. "ERR unknown subcommand '"u8, .. CString(subcommand, 128), .. Encoding.ASCII.GetBytes($"'. Try {container.ToUpperInvariant()} HELP.")];

    /// <summary>
    /// What C's printf prints for <c>%.*s</c> of a client argument: at most <paramref name="max"/> bytes, and nothing
    /// from a NUL byte on. Bytes, not characters, so a multi-byte character may be cut as Redis cuts it.
    /// </summary>
    public static ReadOnlySpan<byte> CString(ReadOnlySpan<byte> text, int max)
    {
        int nul = text.IndexOf((byte)0);
        if (nul >= 0)
        {
            text = text[..nul];
        }
        return text.Length <= max ? text : text[..max];
    }
}
