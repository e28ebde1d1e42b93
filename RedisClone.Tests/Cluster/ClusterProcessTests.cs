using System.Globalization;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Cluster;

/// <summary>Three node processes: a killed node restarts, rejoins by itself and receives again; the others never stop.</summary>
public class ClusterProcessTests
{
    private static string[] NodeArgs(string name, int port, int clusterPort, params int[] peerClusterPorts) =>
    [
        "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--node-name", name,
        "--cluster-port", clusterPort.ToString(CultureInfo.InvariantCulture),
        "--cluster-peers", string.Join(',', peerClusterPorts.Select(p => $"127.0.0.1:{p}")),
        "--cluster-heartbeat-ms", "100", "--cluster-suspect-ms", "1000", "--cluster-dead-ms", "3000",
    ];

    [Fact(Timeout = 240_000)]
    public async Task A_killed_node_restarts_rejoins_and_receives_while_the_others_keep_delivering()
    {
        int[] ports = [NodeProcess.FreePort(), NodeProcess.FreePort(), NodeProcess.FreePort()];
        int[] gossip = [NodeProcess.FreePort(), NodeProcess.FreePort(), NodeProcess.FreePort()];
        using RunningNode n1 = await RunningNode.StartAsync(NodeArgs("p1", ports[0], gossip[0], gossip[1], gossip[2]));
        RunningNode n2 = await RunningNode.StartAsync(NodeArgs("p2", ports[1], gossip[1], gossip[0], gossip[2]));
        using RunningNode n3 = await RunningNode.StartAsync(NodeArgs("p3", ports[2], gossip[2], gossip[0], gossip[1]));
        try
        {
            using RawClient publisher = RawClient.Connect(ports[0]);
            using RawClient onNode3 = RawClient.Connect(ports[2]);
            await WaitForPeers(ports[0], 2, n1, n2, n3);
            await WaitForPeers(ports[2], 2, n1, n2, n3);
            onNode3.Call("SUBSCRIBE", "proc:chan");
            using (RawClient onNode2 = RawClient.Connect(ports[1]))
            {
                onNode2.Call("SUBSCRIBE", "proc:chan");
                publisher.Call("PUBLISH", "proc:chan", "before");
                Assert.Equal(Message("before"), onNode2.ReadReply());
                Assert.Equal(Message("before"), onNode3.ReadReply());
            }

            n2.Kill();
            // While node 2 is down, node 3 keeps receiving from node 1.
            for (int i = 0; i < 20; i++)
            {
                publisher.Call("PUBLISH", "proc:chan", "during" + i);
                Assert.Equal(Message("during" + i), onNode3.ReadReply());
            }

            n2.Dispose();
            n2 = await RunningNode.StartAsync(NodeArgs("p2", ports[1], gossip[1], gossip[0], gossip[2]));
            await WaitForPeers(ports[1], 2, n1, n2, n3);
            using RawClient again = RawClient.Connect(ports[1]);
            again.Call("SUBSCRIBE", "proc:chan");
            publisher.Call("PUBLISH", "proc:chan", "after");
            Assert.Equal(Message("after"), again.ReadReply());
            Assert.Equal(Message("after"), onNode3.ReadReply());
        }
        finally
        {
            n2.Dispose();
        }
    }

    private static string Message(string payload) => $"*3\r\n$7\r\nmessage\r\n$9\r\nproc:chan\r\n${payload.Length}\r\n{payload}\r\n";

    private static async Task WaitForPeers(int port, int count, params RunningNode[] nodes)
    {
        using RawClient client = RawClient.Connect(port);
        string info = "";
        try
        {
            await ClusterFixture.WaitUntil(() =>
            {
                info = client.Call("INFO", "gossip");
                return info.Split("state=alive,link=up").Length - 1 == count;
            }, $"node on port {port} to have {count} live peers", seconds: 60);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nlast INFO gossip:\n{info}\nnode logs:\n{string.Join("\n---\n", nodes.Select(n => n.Output))}", ex);
        }
    }
}
