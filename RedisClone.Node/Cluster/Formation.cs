using RedisClone.Node.Configuration;

namespace RedisClone.Node.Cluster;

/// <summary>
/// Completes once this node knows what every peer it can reach subscribes to (each seed answered and sent its
/// interest), or after the suspect time. Until then client connections wait before their first command, so that a
/// node that has just (re)started does not accept PUBLISHes it could only deliver to its own subscribers.
/// </summary>
internal sealed partial class Formation
{
    private readonly Membership _members;
    private readonly NodeSettings _settings;
    private readonly FaultCounters _faults;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _formed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Formation(Membership members, NodeSettings settings, FaultCounters faults, ILogger logger)
    {
        _members = members;
        _settings = settings;
        _faults = faults;
        _logger = logger;
    }

    public Task Formed => _formed.Task;

    public void Start() => _ = FormAsync();

    private async Task FormAsync()
    {
        long started = Environment.TickCount64;
        long deadline = started + _settings.ClusterSuspectMs;
        try
        {
            bool formed;
            while (!(formed = _members.IsFormed()) && Environment.TickCount64 < deadline)
            {
                await Task.Delay(10);
            }
            IReadOnlyList<Member> members = _members.Snapshot();
            int known = members.Count(m => m.InterestKnown);
            string how = formed ? "knows every reachable peer's subscriptions" : "stopped waiting for its peers";
            LogFormed(how, Environment.TickCount64 - started, known, members.Count);
        }
        catch (Exception ex)
        {
            _faults.CountFault("initial link-up", ex);
        }
        finally
        {
            _formed.TrySetResult();
        }
    }

    [LoggerMessage(EventId = 3027, Level = LogLevel.Information, Message = "Cluster node {How} after {Ms} ms ({Known} of {Members} peers' subscriptions known); clients are served now")]
    private partial void LogFormed(string how, long ms, int known, int members);
}
