using System.Net;
using RedisClone.Node.Configuration;
using RedisClone.Node.Util;

namespace RedisClone.Node.Connections;

/// <summary>
/// Redis 7's protected mode: while <c>protected-mode</c> is yes and no password is set, a client that is not local is
/// sent Redis's DENIED error and closed (counted in rejected_connections). As in Redis 7.0, the bind plays no part,
/// and "local" is exactly 127.0.0.1 or ::1: redis-server 7.0.15 refuses a client from 127.0.0.2 (checked with a
/// socket bound to that source address), and so does the node. An IPv4 client reaching an IPv6 listener
/// (::ffff:127.0.0.1) is 127.0.0.1.
/// </summary>
internal static partial class ProtectedMode
{
    /// <summary>True when a client from <paramref name="remote"/> must be refused.</summary>
    public static bool Refuses(bool protectedMode, bool hasPassword, EndPoint? remote) =>
        protectedMode && !hasPassword && !Loopback.IsLocal((remote as IPEndPoint)?.Address);

    /// <summary>True when some bind address lets clients from other machines connect (*, 0.0.0.0, ::, or a non-loopback address).</summary>
    public static bool ListensBeyondLoopback(IEnumerable<string> bind) =>
        bind.Any(address => !IPAddress.TryParse(address.TrimStart('-'), out IPAddress? ip) || !IPAddress.IsLoopback(ip));

    /// <summary>At start: a node reachable from other machines without a password says so (who it refuses, or that it refuses nobody).</summary>
    public static void WarnAtStart(NodeSettings settings, ILogger logger)
    {
        if (settings.RequirePass is not null || !ListensBeyondLoopback(settings.Bind))
        {
            return;
        }
        string bind = string.Join(' ', settings.Bind);
        if (settings.ProtectedMode)
        {
            LogProtectedNoPassword(logger, bind);
        }
        else
        {
            LogOpenNoPassword(logger, bind);
        }
    }

    [LoggerMessage(EventId = 1110, Level = LogLevel.Warning, Message = "Listening on {Bind} without a password: protected mode is on, so clients not on 127.0.0.1 or ::1 are refused (DENIED). Set --requirepass to serve them.")]
    private static partial void LogProtectedNoPassword(ILogger logger, string bind);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Warning, Message = "Listening on {Bind} without a password and with protected mode off: anyone who can reach the port can run every command. Set --requirepass.")]
    private static partial void LogOpenNoPassword(ILogger logger, string bind);
}
