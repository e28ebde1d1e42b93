using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>Dashboard commands on each node: show INFO gossip; cut its gossip links for a while (a fault demonstration).</summary>
internal static class RedisCloneNodeCommands
{
    public const string InfoGossip = "redisclone-info-gossip";
    public const string CutGossip = "redisclone-cut-gossip";

    /// <summary>How long "Cut gossip links" drops them (DEBUG GOSSIP-CUT).</summary>
    public static readonly TimeSpan CutDuration = TimeSpan.FromSeconds(10);

    public static void Add(IResourceBuilder<ProjectResource> node, RedisCloneClusterResource cluster, bool faultCommands)
    {
        node.WithCommand(InfoGossip, "INFO gossip", async context =>
        {
            try
            {
                string info = await NodeAddress.CallAsync(cluster, node.Resource, context.CancellationToken, "INFO", "gossip").ConfigureAwait(false);
                return CommandResults.Success($"INFO gossip of {node.Resource.Name}", info, CommandResultFormat.Text);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return CommandResults.Failure(ex.Message);
            }
        }, new CommandOptions
        {
            Description = "The node's view of the cluster: peers, their state and links, messages, replay gaps",
            IconName = "Info",
            UpdateState = WhenRunning,
        });
        if (!faultCommands)
        {
            return;
        }
        node.WithCommand(CutGossip, $"Cut gossip links ({CutDuration.TotalSeconds:0} s)", async context =>
        {
            try
            {
                string ms = ((long)CutDuration.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                string reply = await NodeAddress.CallAsync(cluster, node.Resource, context.CancellationToken, "DEBUG", "GOSSIP-CUT", ms).ConfigureAwait(false);
                return CommandResults.Success($"{node.Resource.Name}: gossip links cut for {CutDuration.TotalSeconds:0} s ({reply}); they come back by themselves");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return CommandResults.Failure(ex.Message);
            }
        }, new CommandOptions
        {
            Description = "Drops every gossip link of this node and refuses new ones for a while (DEBUG GOSSIP-CUT): watch peers turn suspect and replay after",
            IconName = "PlugDisconnected",
            ConfirmationMessage = $"Cut {node.Resource.Name}'s gossip links for {CutDuration.TotalSeconds:0} s?",
            UpdateState = WhenRunning,
        });
    }

    private static ResourceCommandState WhenRunning(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.State?.Text == KnownResourceStates.Running ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;
}
