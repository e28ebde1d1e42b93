using System.Collections.Concurrent;
using System.Diagnostics;
using RedisClone.Node.Observability;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Observability;

/// <summary>Collects every span the node's ActivitySource ends while it lives.</summary>
public sealed class SpanCollector : IDisposable
{
    private readonly ActivityListener _listener;

    public SpanCollector()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == NodeTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Spans.Add,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ConcurrentBag<Activity> Spans { get; } = [];

    public void Dispose() => _listener.Dispose();

    public async Task<Activity> WaitFor(Func<Activity, bool> match, string what)
    {
        Activity? found = null;
        await ClusterFixture.WaitUntil(() => (found = Spans.FirstOrDefault(match)) is not null, what);
        return found!;
    }
}

public class CommandTracingTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task Each_command_is_a_server_span_with_redis_database_attributes()
    {
        using var collector = new SpanCollector();
        using RawClient client = node.Raw();
        client.Call("SELECT", "3");
        client.Call("SET", "trace:k", "secret-value");
        client.Call("GET", "trace:k");
        int port = client.LocalPort;
        Activity get = await collector.WaitFor(a => a.DisplayName == "GET" && Equals(a.GetTagItem("network.peer.port"), port), "the GET span");
        Assert.Equal(ActivityKind.Server, get.Kind);
        Assert.Equal("redis", get.GetTagItem("db.system.name"));
        Assert.Equal("GET", get.GetTagItem("db.operation.name"));
        Assert.Equal("3", get.GetTagItem("db.namespace"));
        Assert.Equal("127.0.0.1", get.GetTagItem("server.address"));
        Assert.Equal(node.Port, get.GetTagItem("server.port"));
        Assert.Equal("127.0.0.1", get.GetTagItem("network.peer.address"));
        Assert.Equal(ActivityStatusCode.Unset, get.Status);
        // Arguments can hold secrets: by default no tag carries them.
        Activity set = await collector.WaitFor(a => a.DisplayName == "SET" && Equals(a.GetTagItem("network.peer.port"), port), "the SET span");
        Assert.DoesNotContain(set.TagObjects, tag => tag.Value is string text && text.Contains("secret-value", StringComparison.Ordinal));
        Assert.Null(set.GetTagItem("db.query.text")); // off unless --trace-query-text yes
    }

    [Fact]
    public async Task A_command_answered_with_an_error_marks_its_span_failed()
    {
        using var collector = new SpanCollector();
        using RawClient client = node.Raw();
        client.Call("SET", "trace:text", "abc");
        Assert.StartsWith("-ERR", client.Call("INCR", "trace:text"));
        int port = client.LocalPort;
        Activity incr = await collector.WaitFor(a => a.DisplayName == "INCR" && Equals(a.GetTagItem("network.peer.port"), port), "the INCR span");
        Assert.Equal(ActivityStatusCode.Error, incr.Status);
        Assert.Equal("ERR", incr.GetTagItem("error.type"));
        Assert.Equal("ERR", incr.GetTagItem("db.response.status_code"));
        // The error code is the reply's first word, whichever it is.
        Assert.StartsWith("-WRONGPASS", client.Call("AUTH", "nobody", "wrong"));
        Activity auth = await collector.WaitFor(a => a.DisplayName == "AUTH" && Equals(a.GetTagItem("network.peer.port"), port), "the AUTH span");
        Assert.Equal("WRONGPASS", auth.GetTagItem("error.type"));
    }
}

public class ClusterTracingTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_publish_its_forwarding_and_the_delivery_on_another_node_are_one_trace()
    {
        using var collector = new SpanCollector();
        using RawClient subscriber = cluster.Raw(1);
        using RawClient publisher = cluster.Raw(0);
        subscriber.Call("SUBSCRIBE", "trace:chan");
        publisher.Call("PUBLISH", "trace:chan", "hello");
        subscriber.ReadReply();
        int port = publisher.LocalPort;
        Activity publish = await collector.WaitFor(a => a.DisplayName == "PUBLISH" && Equals(a.GetTagItem("network.peer.port"), port), "the PUBLISH span");
        Activity forward = await collector.WaitFor(a => a.DisplayName == "PUBLISH forward" && a.ParentSpanId == publish.SpanId, "the forward span");
        Activity deliver = await collector.WaitFor(a => a.DisplayName == "PUBLISH deliver" && a.ParentSpanId == forward.SpanId, "the delivery span on node 2");
        Assert.Equal(publish.TraceId, deliver.TraceId);
        Assert.Equal(ActivityKind.Producer, forward.Kind);
        Assert.Equal(ActivityKind.Consumer, deliver.Kind);
        Assert.Equal("n1", publish.GetTagItem("redisclone.node"));
        Assert.Equal("n2", deliver.GetTagItem("redisclone.node"));
        Assert.Equal("n1", deliver.GetTagItem("redisclone.origin"));
        Assert.Equal(1, deliver.GetTagItem("redisclone.delivered"));
    }
}
