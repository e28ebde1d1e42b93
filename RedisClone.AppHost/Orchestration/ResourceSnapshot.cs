namespace RedisClone.AppHost.Orchestration;

/// <summary>One row of the resource table: what a node's supervisor knows at one moment.</summary>
internal sealed record ResourceSnapshot(
    string Name,
    string State,
    int? Pid,
    string Resp,
    string Gossip,
    string Health,
    int Restarts);

/// <summary>The states a node goes through (Aspire's words where Aspire has one).</summary>
internal static class ResourceStates
{
    public const string Starting = "Starting";
    public const string Running = "Running";
    public const string Restarting = "Restarting";
    public const string Stopping = "Stopping";
    public const string Finished = "Finished";
    public const string FailedToStart = "FailedToStart";
}
