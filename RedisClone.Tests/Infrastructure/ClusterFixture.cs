using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using RedisClone.Node.Cluster;
using RedisClone.Node.Commands;
using RedisClone.Node.Hosting;

namespace RedisClone.Tests.Infrastructure;

/// <summary>Three real nodes in this process, each with its RESP and gossip endpoints on free loopback ports.</summary>
public class ClusterFixture : IAsyncLifetime
{
    private readonly List<WebApplication> _apps = [];

    /// <summary>Extra flags for every node.</summary>
    protected virtual string[] ExtraArgs => ["--cluster-heartbeat-ms", "100", "--cluster-suspect-ms", "1000", "--cluster-dead-ms", "4000"];

    internal IReadOnlyList<NodeServer> Nodes => _apps.Select(a => a.Services.GetRequiredService<NodeServer>()).ToList();

    internal NodeServer this[int index] => Nodes[index];

    internal ClusterNode Cluster(int index) => Nodes[index].Cluster!;

    public int Port(int index) => Nodes[index].BoundPort;

    public RawClient Raw(int index) => RawClient.Connect(Port(index));

    public async Task InitializeAsync()
    {
        WebApplication first = await StartNode("n1", []);
        string seed = first.Services.GetRequiredService<ClusterNode>().Address;
        await StartNode("n2", ["--cluster-peers", seed]);
        await StartNode("n3", ["--cluster-peers", seed]);
        await WaitUntil(() => Nodes.All(n => n.Cluster!.MembersSnapshot().Count(m => m.State == MemberState.Alive && m.Link?.Connected == true) == 2),
            "every node to have live links to both others");
    }

    private async Task<WebApplication> StartNode(string name, string[] args)
    {
        WebApplication app = NodeHost.Build(["--port", "0", "--bind", "127.0.0.1", "--cluster-port", "0", "--node-name", name, .. ExtraArgs, .. args]);
        await app.StartAsync();
        _apps.Add(app);
        return app;
    }

    public async Task DisposeAsync()
    {
        foreach (WebApplication app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public static async Task WaitUntil(Func<bool> condition, string what, int seconds = 20)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }
            await Task.Delay(10);
        }
    }
}
