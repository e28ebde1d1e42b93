using RedisClone.Node.Protocol;

namespace RedisClone.Node.Commands.PubSub;

/// <summary>
/// MONITOR: the connection receives a line for every command the node runs from then on (see
/// <see cref="MonitorFeed"/>). Like Redis, a monitor may still send commands that do not touch the keyspace
/// (PING, INFO, ...), leaves the mode with RESET and ends with QUIT.
/// </summary>
internal static class MonitorCommands
{
    public static void Register(CommandBindings t) => t.Add("monitor", Monitor);

    private static void Monitor(CommandContext c)
    {
        if (c.RunningTransaction)
        {
            c.Reply.WriteError(RespLiterals.MonitorNotAllowedDenyBlocking);
            return;
        }
        if (c.Client.IsMonitor)
        {
            // Redis ignores MONITOR from a client already monitoring, without a reply.
            return;
        }
        c.Server.Monitors.Add(c.Client);
        c.Reply.WriteOk();
    }
}
