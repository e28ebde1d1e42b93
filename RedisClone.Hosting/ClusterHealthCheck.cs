using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>The cluster is healthy when every node answers PING (so <c>WaitFor(cluster)</c> waits for all of them).</summary>
internal sealed class ClusterHealthCheck(RedisCloneClusterResource cluster) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var silent = new List<string>();
        foreach (ProjectResource node in cluster.Nodes)
        {
            try
            {
                string reply = await NodeAddress.CallAsync(cluster, node, cancellationToken, "PING").ConfigureAwait(false);
                if (reply != "PONG")
                {
                    silent.Add(node.Name);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                silent.Add(node.Name);
            }
        }
        return silent.Count == 0
            ? HealthCheckResult.Healthy($"{cluster.Nodes.Count} nodes answer PING")
            : HealthCheckResult.Unhealthy($"not answering PING: {string.Join(", ", silent)}");
    }
}
