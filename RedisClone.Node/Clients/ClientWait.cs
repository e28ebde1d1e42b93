namespace RedisClone.Node.Clients;

/// <summary>
/// A wait a client is blocked in (BLPOP and friends, <c>Commands/Blocking/BlockedRequest</c>): the session only needs to
/// know whether it is over, so the client's state does not depend on the commands that block.
/// </summary>
internal abstract class ClientWait
{
    public abstract bool IsDone { get; }
}
