using System.Globalization;

namespace RedisClone.Tests.Infrastructure;

/// <summary>
/// Three node processes forming a cluster as the README starts one: node 1 with its own --cluster-port, nodes 2 and 3
/// with node 1 as their seed, default cluster timings, loopback ports picked free. A node can be restarted on the same
/// ports and settings (as a crash and a restart would), and the cluster waited for until every node sees both peers.
/// Nodes are numbered 1 to 3, as the client scenarios name them.
/// </summary>
public sealed class ProcessCluster : IAsyncLifetime
{
    private const int Size = 3;
    private readonly int[] _ports = new int[Size];
    private readonly int[] _gossipPorts = new int[Size];
    private readonly RunningNode?[] _nodes = new RunningNode?[Size];

    public int Port(int node) => _ports[node - 1];

    /// <summary>"P1,P2,P3": the RESP ports, for the scenario scripts.</summary>
    public string PortList => string.Join(',', _ports.Select(p => p.ToString(CultureInfo.InvariantCulture)));

    public async Task InitializeAsync()
    {
        for (int i = 0; i < Size; i++)
        {
            _ports[i] = NodeProcess.FreePort();
            _gossipPorts[i] = NodeProcess.FreePort();
        }
        await Task.WhenAll(Enumerable.Range(1, Size).Select(StartAsync));
        await WaitForPeersAsync();
    }

    private string[] Arguments(int node)
    {
        var args = new List<string>
        {
            "--port", Port(node).ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--node-name", "n" + node.ToString(CultureInfo.InvariantCulture),
            "--cluster-port", _gossipPorts[node - 1].ToString(CultureInfo.InvariantCulture),
        };
        if (node != 1)
        {
            args.AddRange(["--cluster-peers", "127.0.0.1:" + _gossipPorts[0].ToString(CultureInfo.InvariantCulture)]);
        }
        return [.. args];
    }

    private async Task StartAsync(int node) => _nodes[node - 1] = await RunningNode.StartAsync(Arguments(node));

    /// <summary>Kills the given nodes, starts them again on the same ports and settings, and waits for the cluster to re-form.</summary>
    public async Task RestartAsync(IReadOnlyCollection<int> nodes)
    {
        foreach (int node in nodes)
        {
            _nodes[node - 1]?.Dispose();
            _nodes[node - 1] = null;
        }
        await Task.WhenAll(nodes.Select(StartAsync));
        await WaitForPeersAsync();
    }

    /// <summary>Waits until each node reports both peers alive with their links up (INFO gossip).</summary>
    public async Task WaitForPeersAsync()
    {
        for (int node = 1; node <= Size; node++)
        {
            using RawClient client = RawClient.Connect(Port(node));
            string info = "";
            try
            {
                await ClusterFixture.WaitUntil(() =>
                {
                    info = client.Call("INFO", "gossip");
                    return info.Split("state=alive,link=up").Length - 1 == Size - 1;
                }, $"node {node} to see {Size - 1} live peers", seconds: 60);
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"{ex.Message}\nlast INFO gossip:\n{info}\n{Logs}", ex);
            }
        }
    }

    /// <summary>What every node process printed, for failure messages.</summary>
    public string Logs => string.Join("\n", _nodes.Select((n, i) => $"--- node {i + 1} ---\n{n?.Output}"));

    public Task DisposeAsync()
    {
        foreach (RunningNode? node in _nodes)
        {
            node?.Dispose();
        }
        return Task.CompletedTask;
    }
}

/// <summary>The client-compatibility suite: its tests share one process cluster and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class ClientSuiteCollection : ICollectionFixture<ProcessCluster>
{
    public const string Name = "Client suite (3 node processes)";

    /// <summary>The trait .ci/run selects the suite by, after the unit tests: [Trait("Category", "ClientSuite")].</summary>
    public const string Category = "ClientSuite";
}
