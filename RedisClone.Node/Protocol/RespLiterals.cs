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

    // Error texts the commands write, each as redis-server 7.0.15 words it.
    public const string AuthWithoutPassword = "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?";
    public const string LfuPolicyNotSelected = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
    public const string ClientUnblockBadReason = "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR";
    public const string CountCannotBeNegative = "ERR COUNT can't be negative";
    public const string DiscardWithoutMulti = "ERR DISCARD without MULTI";
    public const string ExecWithoutMulti = "ERR EXEC without MULTI";
    public const string GtAndLtIncompatible = "ERR GT and LT options at the same time are not compatible";
    public const string GtLtAndNxIncompatible = "ERR GT, LT, and/or NX options at the same time are not compatible";
    public const string IncrSinglePairOnly = "ERR INCR option supports a single increment-element pair";
    public const string InvalidClientId = "ERR Invalid client ID";
    public const string LimitCannotBeNegative = "ERR LIMIT can't be negative";
    public const string MaxlenCannotBeNegative = "ERR MAXLEN can't be negative";
    public const string MonitorNotAllowedDenyBlocking = "ERR MONITOR isn't allowed for DENY BLOCKING client";
    public const string MultiCannotBeNested = "ERR MULTI calls can not be nested";
    public const string NxWithXxGtLtIncompatible = "ERR NX and XX, GT or LT options at the same time are not compatible";
    public const string NoSuchClient = "ERR No such client";
    public const string NumkeysAboveArguments = "ERR Number of keys can't be greater than number of args";
    public const string ProtocolVersionNotInteger = "ERR Protocol version is not an integer or out of range";
    public const string RankCannotBeZero = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";
    public const string ClusterSupportDisabled = "ERR This instance has cluster support disabled";
    public const string WatchInsideMultiNotAllowed = "ERR WATCH inside MULTI is not allowed";
    public const string XxAndNxIncompatible = "ERR XX and NX options at the same time are not compatible";
    public const string ClientIdNotPositive = "ERR client-id should be greater than 0";
    public const string CountNotPositive = "ERR count should be greater than 0";
    public const string DecrementWouldOverflow = "ERR decrement would overflow";
    public const string HashValueNotFloat = "ERR hash value is not a float";
    public const string HashValueNotInteger = "ERR hash value is not an integer";
    public const string IncrementWouldBeNaN = "ERR increment would produce NaN or Infinity";
    public const string IndexOutOfRange = "ERR index out of range";
    public const string InternalError = "ERR internal error while running the command";
    public const string InvalidCursor = "ERR invalid cursor";
    public const string LatencyThresholdOutOfRange = "ERR milliseconds must be between 0 and 3600000";
    public const string NumkeysNotPositive = "ERR numkeys should be greater than 0";
    public const string OffsetOutOfRange = "ERR offset is out of range";
    public const string SourceIsDestination = "ERR source and destination objects are the same";
    public const string LimitNeedsByScoreOrByLex = "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
    public const string WithScoresWithByLex = "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
    public const string NotInCluster = "ERR this node is not part of a cluster";
    public const string TimeoutNegative = "ERR timeout is negative";
    public const string TimeoutNotInteger = "ERR timeout is not an integer or out of range";
    public const string ValueIsNaN = "ERR value is NaN or Infinity";
    public const string ValueOutOfRange = "ERR value is out of range";
    public const string ValueNotPositive = "ERR value is out of range, must be positive";
    public const string ValueOutOfInt64Range = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
    public const string WeightNotFloat = "ERR weight value is not a float";
    public const string HelloNeedsAuth = "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time";
    public const string UnblockedByClientUnblock = "UNBLOCKED client unblocked via CLIENT UNBLOCK";

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
