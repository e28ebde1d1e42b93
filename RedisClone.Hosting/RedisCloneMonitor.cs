using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>
/// Run mode only. Watches every RedisClone node through Aspire's resource notifications: starts a node that exited
/// without being asked to (with backoff: 1 s, 2, 4 ... 30 s; a node that had run 30 s starts over at 1 s) through
/// Aspire's own start command, and keeps each node's dashboard properties (peers alive, subscribers, channels, replay
/// gaps, restarts) and the cluster's state current.
/// </summary>
internal sealed partial class RedisCloneMonitor(
    RedisCloneMonitor.Registry registry,
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    ResourceLoggerService resourceLoggers,
    IHostApplicationLifetime lifetime,
    ILogger<RedisCloneMonitor> logger)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan StableRun = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, NodeState> _nodes = new();

    /// <summary>The clusters of this AppHost (one monitor serves them all).</summary>
    internal sealed class Registry
    {
        public List<(RedisCloneClusterResource Cluster, bool Restart)> Clusters { get; } = [];
    }

    private sealed class NodeState(RedisCloneClusterResource cluster, ProjectResource node, bool restart)
    {
        public RedisCloneClusterResource Cluster { get; } = cluster;
        public ProjectResource Node { get; } = node;
        public bool Restart { get; } = restart;
        public string? ResourceId { get; set; }
        public string? State { get; set; }
        public bool StopRequested { get; set; }
        public DateTime RunningSince { get; set; }
        public int Attempt { get; set; }
        public int Restarts { get; set; }
        public bool RestartPending { get; set; }
    }

    public static void Register(IDistributedApplicationBuilder builder, RedisCloneClusterResource cluster, bool restart)
    {
        Registry? registry = builder.Services.Select(d => d.IsKeyedService ? null : d.ImplementationInstance).OfType<Registry>().FirstOrDefault();
        if (registry is null)
        {
            registry = new Registry();
            builder.Services.AddSingleton(registry);
            builder.Services.AddSingleton<RedisCloneMonitor>();
            // Started from Aspire's own start-up event, not as a hosted service: hosted services start one after the
            // other, and Aspire's orchestration waits there for resources (WaitFor) whose state this monitor sets.
            builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
            {
                e.Services.GetRequiredService<RedisCloneMonitor>().Start();
                return Task.CompletedTask;
            });
        }
        registry.Clusters.Add((cluster, restart));
    }

    /// <summary>Watches and polls until the AppHost stops.</summary>
    private void Start()
    {
        foreach ((RedisCloneClusterResource cluster, bool restart) in registry.Clusters)
        {
            foreach (ProjectResource node in cluster.Nodes)
            {
                _nodes[node.Name] = new NodeState(cluster, node, restart);
            }
        }
        CancellationToken stopping = lifetime.ApplicationStopping;
        _ = Task.Run(() => WatchAsync(stopping), stopping);
        _ = Task.Run(() => PollAsync(stopping), stopping);
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (ResourceEvent change in notifications.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!_nodes.TryGetValue(change.Resource.Name, out NodeState? node))
                {
                    continue;
                }
                string? previous = node.State;
                string? state = change.Snapshot.State?.Text;
                node.ResourceId = change.ResourceId;
                node.State = state;
                if (state == previous)
                {
                    continue;
                }
                if (state == KnownResourceStates.Stopping)
                {
                    node.StopRequested = true;
                }
                else if (state == KnownResourceStates.Running)
                {
                    node.StopRequested = false;
                    node.RunningSince = DateTime.UtcNow;
                }
                else if (previous == KnownResourceStates.Running && KnownResourceStates.TerminalStates.Contains(state) &&
                    !node.StopRequested && node.Restart && !lifetime.ApplicationStopping.IsCancellationRequested && !node.RestartPending)
                {
                    node.RestartPending = true;
                    _ = RestartAsync(node, change.Snapshot.ExitCode, cancellationToken);
                }
                await PublishClusterStateAsync(node.Cluster).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task RestartAsync(NodeState node, int? exitCode, CancellationToken cancellationToken)
    {
        try
        {
            if (DateTime.UtcNow - node.RunningSince >= StableRun)
            {
                node.Attempt = 0;
            }
            var delay = TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, node.Attempt)));
            node.Attempt++;
            ILogger nodeLog = resourceLoggers.GetLogger(node.ResourceId ?? node.Node.Name);
            string code = exitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown";
            LogRestartScheduled(nodeLog, node.Node.Name, code, delay.TotalSeconds);
            LogRestartScheduled(logger, node.Node.Name, code, delay.TotalSeconds);
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            if (node.StopRequested || node.State == KnownResourceStates.Running || lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return;
            }
            ExecuteCommandResult result = await commands.ExecuteCommandAsync(node.ResourceId ?? node.Node.Name, KnownResourceCommands.StartCommand, cancellationToken).ConfigureAwait(false);
            if (result.Success)
            {
                node.Restarts++;
                await PublishNodePropertiesAsync(node, [new(RedisCloneProperties.Restarts, node.Restarts)]).ConfigureAwait(false);
            }
            else
            {
                LogRestartFailed(logger, node.Node.Name, result.Message ?? "no reason given");
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogRestartFailed(logger, node.Node.Name, ex.Message);
        }
        finally
        {
            node.RestartPending = false;
        }
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (NodeState node in _nodes.Values.Where(n => n.State == KnownResourceStates.Running))
                {
                    try
                    {
                        await PublishNodePropertiesAsync(node, await ReadNodeAsync(node, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        // A node that is starting or stopping does not answer yet: the next round tries again.
                        LogPollFailed(logger, node.Node.Name, ex.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static async Task<List<ResourcePropertySnapshot>> ReadNodeAsync(NodeState node, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> replies = await NodeAddress.CallAllAsync(node.Cluster, node.Node, [["INFO", "everything"], ["CLIENT", "LIST"]], cancellationToken).ConfigureAwait(false);
        string info = replies[0];
        string clients = replies[1];
        int subscribers = clients.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(line =>
            Count(line, "sub") + Count(line, "psub") + Count(line, "ssub") > 0);
        return
        [
            new(RedisCloneProperties.PeersAlive, Field(info, "gossip_peers_alive")),
            new(RedisCloneProperties.Subscribers, subscribers),
            new(RedisCloneProperties.Channels, Field(info, "pubsub_channels")),
            new(RedisCloneProperties.ReplayGaps, Field(info, "gossip_replay_gaps")),
            new(RedisCloneProperties.Restarts, node.Restarts),
        ];
    }

    private static long Field(string info, string name)
    {
        Match match = Regex.Match(info, $@"^{name}:(\d+)", RegexOptions.Multiline);
        return match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    private static int Count(string clientLine, string field)
    {
        Match match = Regex.Match(clientLine, $@"(?:^| ){field}=(\d+)");
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    private Task PublishNodePropertiesAsync(NodeState node, IReadOnlyList<ResourcePropertySnapshot> properties) =>
        node.ResourceId is null
            ? Task.CompletedTask
            : notifications.PublishUpdateAsync(node.Node, node.ResourceId, snapshot => snapshot with { Properties = Merge(snapshot.Properties, properties) });

    private Task PublishClusterStateAsync(RedisCloneClusterResource cluster)
    {
        int running = cluster.Nodes.Count(n => _nodes.TryGetValue(n.Name, out NodeState? s) && s.State == KnownResourceStates.Running);
        string state = running == cluster.Nodes.Count ? KnownResourceStates.Running
            : lifetime.ApplicationStopping.IsCancellationRequested ? KnownResourceStates.Stopping
            : KnownResourceStates.Starting;
        return notifications.PublishUpdateAsync(cluster, snapshot => snapshot with
        {
            State = state,
            StartTimeStamp = snapshot.StartTimeStamp ?? (state == KnownResourceStates.Running ? DateTime.UtcNow : null),
            Properties = Merge(snapshot.Properties, [new(RedisCloneProperties.NodesRunning, $"{running}/{cluster.Nodes.Count}")]),
        });
    }

    private static System.Collections.Immutable.ImmutableArray<ResourcePropertySnapshot> Merge(
        System.Collections.Immutable.ImmutableArray<ResourcePropertySnapshot> current, IReadOnlyList<ResourcePropertySnapshot> updates)
    {
        var names = updates.Select(u => u.Name).ToHashSet();
        return [.. current.Where(p => !names.Contains(p.Name)), .. updates];
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "{Node} exited (code {ExitCode}) without being asked to; starting it again in {Seconds} s")]
    private static partial void LogRestartScheduled(ILogger logger, string node, string exitCode, double seconds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Could not start {Node} again: {Reason}")]
    private static partial void LogRestartFailed(ILogger logger, string node, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Could not read {Node}'s state: {Reason}")]
    private static partial void LogPollFailed(ILogger logger, string node, string reason);
}
