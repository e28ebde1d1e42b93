using RedisClone.Node.Protocol;

namespace RedisClone.Node.Commands.Server;

/// <summary>WAIT: the node has no replicas, so no write is ever acknowledged by one.</summary>
internal static class ReplicationCommands
{
    public static void Register(CommandBindings t)
    {
        t.Add("wait", Wait);
    }

    /// <summary>
    /// Redis's argument checks, then 0 at once. Redis itself answers at once only when numreplicas is 0 or less; with
    /// no replica to wait for it would block for the timeout (forever for 0) and then answer 0: the node does not block.
    /// </summary>
    private static void Wait(CommandContext c)
    {
        if (!c.TryInteger(1, out _))
        {
            return;
        }
        if (!RespNumber.TryParseInt64(c.Args[2], out long timeout))
        {
            c.Reply.WriteError(RespLiterals.TimeoutNotInteger);
            return;
        }
        if (timeout < 0)
        {
            c.Reply.WriteError(RespLiterals.TimeoutNegative);
            return;
        }
        c.Reply.WriteRaw(RespLiterals.Zero);
    }
}
