using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using RedisClone.Tests.Infrastructure;
using StackExchange.Redis;

namespace RedisClone.Tests.AppHost;

/// <summary>
/// The AppHost as a user runs it: three node processes on predictable ports that find each other through Aspire's
/// service-discovery variables, carry a PUBLISH between nodes for StackExchange.Redis, come back after a crash, and
/// all go away when the AppHost is stopped.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class AppHostClusterTests
{
    private static readonly TimeSpan MessageDeadline = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 300_000)]
    public async Task Nodes_deliver_across_the_cluster_a_killed_node_is_restarted_and_rejoins_and_SIGTERM_stops_them_all()
    {
        const int nodes = 3;
        int basePort = AppHostProcess.FreeBasePort(nodes);
        using AppHostProcess host = AppHostProcess.Start(new Dictionary<string, string>(), "--base-port", Text(basePort));
        await host.WaitHealthy(basePort, nodes);
        await WaitForLivePeers(host, basePort, node: 1, peers: ["node2", "node3"]);
        await WaitForLivePeers(host, basePort, node: 3, peers: ["node1", "node2"]);

        using ConnectionMultiplexer node1 = await Connect(basePort, 1);
        using ConnectionMultiplexer node3 = await Connect(basePort, 3);
        ChannelMessageQueue onNode3 = await node3.GetSubscriber().SubscribeAsync(RedisChannel.Literal("apphost:chan"));
        await node1.GetSubscriber().PublishAsync(RedisChannel.Literal("apphost:chan"), "from node1");
        Assert.Equal("from node1", (string?)(await onNode3.ReadAsync().AsTask().WaitAsync(MessageDeadline)).Message);

        int[] firstPids = new int[nodes];
        for (int k = 1; k <= nodes; k++)
        {
            firstPids[k - 1] = ProcessId(basePort, k);
            Assert.Contains($"node{k}: started (pid {firstPids[k - 1]})", host.Output);
        }

        // A crash: node2's process killed outright. The AppHost notices, counts a restart and starts it again.
        using (Process node2 = Process.GetProcessById(firstPids[1]))
        {
            node2.Kill();
        }
        int restartedPid = 0;
        await host.WaitUntil(() => TryProcessId(basePort, 2) is int pid && pid != firstPids[1] && (restartedPid = pid) > 0,
            "a new node2 process answering on its port");
        await host.WaitForLine(line => line.StartsWith("apphost | node2: exited with code", StringComparison.Ordinal), "the AppHost reporting node2's exit");
        var restartedRow = new Regex($@"^node2\s+Running\s+{restartedPid}\s+tcp://127\.0\.0\.1:{AppHostProcess.RespPort(basePort, 2)}\s+http://127\.0\.0\.1:{AppHostProcess.GossipPort(basePort, 2)}\s+Healthy\s+1$");
        await host.WaitForLine(restartedRow.IsMatch, "the resource table showing node2 running again, healthy, with its new pid and 1 restart");

        // It rejoined: both sides see the link, and a message published on the new node2 reaches node1.
        await WaitForLivePeers(host, basePort, node: 1, peers: ["node2", "node3"]);
        await WaitForLivePeers(host, basePort, node: 2, peers: ["node1", "node3"]);
        using ConnectionMultiplexer node2Again = await Connect(basePort, 2);
        ChannelMessageQueue onNode1 = await node1.GetSubscriber().SubscribeAsync(RedisChannel.Literal("apphost:after-restart"));
        await node2Again.GetSubscriber().PublishAsync(RedisChannel.Literal("apphost:after-restart"), "from the new node2");
        Assert.Equal("from the new node2", (string?)(await onNode1.ReadAsync().AsTask().WaitAsync(MessageDeadline)).Message);

        // SIGTERM: every node stopped, the AppHost gone, no node process left behind.
        host.Terminate();
        Assert.True(host.WaitForExit(TimeSpan.FromSeconds(60)), "the AppHost did not exit within 60 s of SIGTERM:\n" + host.Output);
        Assert.True(host.ExitCode == 0, $"exit code {host.ExitCode}:\n{host.Output}");
        Assert.Contains("apphost | every node has stopped", host.Output);
        int[] started = [.. firstPids, restartedPid];
        Assert.All(started, pid => Assert.True(AppHostProcess.NodeProcessGone(pid), $"node process {pid} is still running after the AppHost exited"));
    }

    [Fact(Timeout = 300_000)]
    public async Task A_node_whose_port_is_taken_is_reported_by_name_and_starts_once_the_port_is_free()
    {
        const int nodes = 2;
        int basePort = AppHostProcess.FreeBasePort(nodes);
        int taken = AppHostProcess.RespPort(basePort, 2);
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, taken);
        holder.Start();
        using AppHostProcess host = AppHostProcess.Start(new Dictionary<string, string>(), "--nodes", Text(nodes), "--base-port", Text(basePort));

        await host.WaitForLine(line => line == $"apphost | node2: port {taken} is in use (--port / --bind); the node cannot start",
            "the AppHost naming node2 and its taken port");
        await host.WaitForLine(line => line.StartsWith("apphost | node2: restarting in ", StringComparison.Ordinal), "the AppHost saying it tries node2 again");
        await host.WaitHealthy(basePort, nodes: 1);

        // The AppHost keeps trying (with backoff): once the port is free, node2 starts.
        holder.Stop();
        await host.WaitHealthy(basePort, nodes);
        host.Terminate();
        Assert.True(host.WaitForExit(TimeSpan.FromSeconds(60)), "the AppHost did not exit within 60 s of SIGTERM:\n" + host.Output);
    }

    [Fact(Timeout = 300_000)]
    public async Task Nodes_stop_by_themselves_when_the_AppHost_is_killed_outright()
    {
        const int nodes = 2;
        int basePort = AppHostProcess.FreeBasePort(nodes);
        using AppHostProcess host = AppHostProcess.Start(new Dictionary<string, string>(), "--nodes", Text(nodes), "--base-port", Text(basePort));
        await host.WaitHealthy(basePort, nodes);
        int[] pids = [ProcessId(basePort, 1), ProcessId(basePort, 2)];

        // SIGKILL: the AppHost cannot stop anything; the stdin pipe it held for each node closes with it.
        using (Process apphost = Process.GetProcessById(host.Pid))
        {
            apphost.Kill();
        }
        Assert.True(host.WaitForExit(TimeSpan.FromSeconds(30)), "the AppHost survived SIGKILL");
        await ClusterFixture.WaitUntil(() => pids.All(AppHostProcess.NodeProcessGone), "every node process to stop after the AppHost was killed", seconds: 60);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static async Task<ConnectionMultiplexer> Connect(int basePort, int node) =>
        await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { $"127.0.0.1:{AppHostProcess.RespPort(basePort, node)}" },
            AbortOnConnectFail = true,
            ConnectTimeout = 10_000,
            SyncTimeout = 10_000,
            AsyncTimeout = 10_000,
        });

    /// <summary>INFO server's process_id of node K.</summary>
    private static int ProcessId(int basePort, int node) =>
        TryProcessId(basePort, node) ?? throw new InvalidOperationException($"node{node} did not answer INFO server");

    private static int? TryProcessId(int basePort, int node)
    {
        try
        {
            using RawClient client = RawClient.Connect(AppHostProcess.RespPort(basePort, node));
            Match pid = Regex.Match(client.Call("INFO", "server"), @"process_id:(\d+)");
            return pid.Success ? int.Parse(pid.Groups[1].Value, CultureInfo.InvariantCulture) : null;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Waits until node K's INFO gossip lists each of <paramref name="peers"/> as alive with its link up.</summary>
    private static async Task WaitForLivePeers(AppHostProcess host, int basePort, int node, string[] peers)
    {
        string info = "";
        try
        {
            await host.WaitUntil(() =>
        {
                try
                {
                    using RawClient client = RawClient.Connect(AppHostProcess.RespPort(basePort, node));
                    info = client.Call("INFO", "gossip");
                }
                catch (System.Net.Sockets.SocketException)
                {
                    return false;
                }
                return peers.All(peer => Regex.IsMatch(info, $@"name={peer},address=[^,]*,state=alive,link=up"));
            }, $"node{node} to see {string.Join(" and ", peers)} alive with links up");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nlast INFO gossip of node{node}:\n{info}", ex);
        }
    }
}
