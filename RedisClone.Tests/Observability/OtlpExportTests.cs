using System.Diagnostics;
using System.Globalization;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Observability;

/// <summary>
/// Node processes exporting to an OTLP receiver inside the test, configured only through the OTEL_* variables an
/// Aspire AppHost sets: what makes the Aspire dashboard (an OTLP receiver) show the nodes and their traces.
/// </summary>
public sealed class OtlpExportTests
{
    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);

    [Fact(Timeout = 120_000)]
    public async Task Traces_and_metrics_arrive_over_http_with_the_service_name_and_instance_id()
    {
        await using OtlpReceiver receiver = await OtlpReceiver.StartAsync();
        int port = NodeProcess.FreePort();
        using RunningNode node = await RunningNode.StartAsync(receiver.ExporterEnvironment("node-under-test", "instance-42", "http/protobuf"), "--port", Text(port));
        using RawClient client = RawClient.Connect(port);
        client.Call("SET", "otlp:k", "v");
        client.Call("GET", "otlp:k");

        ReceivedSpan get = await receiver.WaitForSpan(s => s.Name == "GET" && Equals(s["network.peer.port"], (long)client.LocalPort), "the GET span");
        Assert.Equal("node-under-test", get.Resource.ServiceName);
        Assert.Equal("instance-42", get.Resource.InstanceId);
        Assert.Equal("RedisClone.Node", get.Scope);
        Assert.Equal(ActivityKind.Server, get.Kind);
        Assert.Equal("redis", get["db.system.name"]);
        Assert.Equal("GET", get["db.operation.name"]);
        Assert.Equal("0", get["db.namespace"]);
        Assert.Equal((long)port, get["server.port"]);
        Assert.Null(get["db.query.text"]); // off by default

        ReceivedMetric commands = await receiver.WaitForMetric(
            m => m.Name == "redisclone.commands" && m.Points.Any(p => Equals(p.Attributes.GetValueOrDefault("db.operation.name"), "GET")),
            "a metrics export with the node's command counter");
        Assert.Equal("node-under-test", commands.Resource.ServiceName);
        Assert.Equal("instance-42", commands.Resource.InstanceId);
    }

    [Fact(Timeout = 180_000)]
    public async Task A_publish_on_one_node_and_its_delivery_on_another_arrive_as_one_trace_over_grpc()
    {
        await using OtlpReceiver receiver = await OtlpReceiver.StartAsync(apiKey: "otlp-key-" + Guid.NewGuid().ToString("N"));
        string instance1 = "node1-" + Guid.NewGuid().ToString("N"), instance2 = "node2-" + Guid.NewGuid().ToString("N");
        int port1 = NodeProcess.FreePort(), port2 = NodeProcess.FreePort(), gossip1 = NodeProcess.FreePort(), gossip2 = NodeProcess.FreePort();
        string[] common = ["--bind", "127.0.0.1", "--cluster-heartbeat-ms", "100", "--cluster-suspect-ms", "1000", "--cluster-dead-ms", "3000"];
        Dictionary<string, string> environment1 = receiver.ExporterEnvironment("node1", instance1);
        environment1["Redis__TraceQueryText"] = "yes";
        using RunningNode node1 = await RunningNode.StartAsync(environment1,
            ["--port", Text(port1), "--node-name", "n1", "--cluster-port", Text(gossip1), .. common]);
        using RunningNode node2 = await RunningNode.StartAsync(receiver.ExporterEnvironment("node2", instance2),
            ["--port", Text(port2), "--node-name", "n2", "--cluster-port", Text(gossip2), "--cluster-peers", $"127.0.0.1:{gossip1}", .. common]);
        await WaitForLivePeer(port1, node1, node2);
        await WaitForLivePeer(port2, node1, node2);

        using RawClient subscriber = RawClient.Connect(port2);
        using RawClient publisher = RawClient.Connect(port1);
        subscriber.Call("SUBSCRIBE", "otlp:chan");
        Assert.Equal(":0\r\n", publisher.Call("PUBLISH", "otlp:chan", "hello"));
        Assert.Equal("*3\r\n$7\r\nmessage\r\n$9\r\notlp:chan\r\n$5\r\nhello\r\n", subscriber.ReadReply());

        ReceivedSpan publish = await receiver.WaitForSpan(
            s => s.Name == "PUBLISH" && Equals(s["network.peer.port"], (long)publisher.LocalPort), "node 1's PUBLISH span");
        ReceivedSpan forward = await receiver.WaitForSpan(
            s => s.Name == "PUBLISH forward" && s.ParentSpanId == publish.SpanId, "node 1's forward span under the PUBLISH");
        ReceivedSpan deliver = await receiver.WaitForSpan(
            s => s.Name == "PUBLISH deliver" && s.ParentSpanId == forward.SpanId, "node 2's delivery span under the forward");

        Assert.Equal(("node1", instance1), (publish.Resource.ServiceName, publish.Resource.InstanceId));
        Assert.Equal(ActivityKind.Server, publish.Kind);
        Assert.Equal("", publish.ParentSpanId);
        Assert.Equal("PUBLISH otlp:chan ?", publish["db.query.text"]);
        Assert.Equal(("node1", instance1), (forward.Resource.ServiceName, forward.Resource.InstanceId));
        Assert.Equal(ActivityKind.Producer, forward.Kind);
        Assert.Equal(1L, forward["redisclone.peers"]);
        Assert.Equal(("node2", instance2), (deliver.Resource.ServiceName, deliver.Resource.InstanceId));
        Assert.Equal(ActivityKind.Consumer, deliver.Kind);
        Assert.Equal(1L, deliver["redisclone.delivered"]);
        Assert.Equal("n1", deliver["redisclone.origin"]);
        Assert.Equal("n2", deliver["redisclone.node"]);
        Assert.All(new[] { forward, deliver }, s => Assert.Equal(publish.TraceId, s.TraceId));
        Assert.Matches("^[0-9a-f]{32}$", publish.TraceId);

        await receiver.WaitForMetric(m => m.Resource.InstanceId == instance1 && m.Name == "redisclone.commands"
            && m.Points.Any(p => Equals(p.Attributes.GetValueOrDefault("db.operation.name"), "PUBLISH")), "node 1's PUBLISH counted in its metrics");
        await receiver.WaitForMetric(m => m.Resource.InstanceId == instance2 && m.Name == "redisclone.pubsub.messages.delivered"
            && m.Points.Any(p => p.Value >= 1), "node 2's delivery counted in its metrics");
        Assert.Equal(0, receiver.Refused);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_node_without_the_receivers_api_key_is_refused()
    {
        await using OtlpReceiver receiver = await OtlpReceiver.StartAsync(apiKey: "expected-key");
        Dictionary<string, string> environment = receiver.ExporterEnvironment("keyless", "keyless-1");
        environment["OTEL_EXPORTER_OTLP_HEADERS"] = $"{OtlpReceiver.ApiKeyHeader}=wrong-key";
        int port = NodeProcess.FreePort();
        using RunningNode node = await RunningNode.StartAsync(environment, "--port", Text(port));
        using RawClient client = RawClient.Connect(port);
        client.Call("PING");
        await ClusterFixture.WaitUntil(() => receiver.Refused > 0, "an export refused for its API key", seconds: 60);
        Assert.Empty(receiver.Spans);
    }

    private static async Task WaitForLivePeer(int port, params RunningNode[] nodes)
    {
        using RawClient client = RawClient.Connect(port);
        string info = "";
        try
        {
            await ClusterFixture.WaitUntil(() => (info = client.Call("INFO", "gossip")).Contains("state=alive,link=up", StringComparison.Ordinal),
                $"the node on port {port} to have a live peer", seconds: 60);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nlast INFO gossip:\n{info}\nnode logs:\n{string.Join("\n---\n", nodes.Select(n => n.Output))}", ex);
        }
    }
}
