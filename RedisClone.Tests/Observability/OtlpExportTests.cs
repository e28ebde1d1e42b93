using System.Globalization;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Observability;

/// <summary>
/// A node process exporting to an OTLP/HTTP receiver inside the test, configured only through the OTEL_* variables an
/// Aspire AppHost sets: what makes the Aspire dashboard (an OTLP receiver) show the node.
/// </summary>
public sealed class OtlpExportTests : IAsyncLifetime
{
    private OtlpReceiver? _receiver;

    private OtlpReceiver Receiver => _receiver!;

    public async Task InitializeAsync() => _receiver = await OtlpReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Traces_and_metrics_arrive_with_the_service_name_and_instance_id()
    {
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Receiver.HttpEndpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "node-under-test",
            ["OTEL_RESOURCE_ATTRIBUTES"] = "service.instance.id=instance-42",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
            ["OTEL_TRACES_SAMPLER"] = "always_on",
        };
        int port = NodeProcess.FreePort();
        using RunningNode node = await RunningNode.StartAsync(environment, "--port", port.ToString(CultureInfo.InvariantCulture));
        using RawClient client = RawClient.Connect(port);
        client.Call("SET", "otlp:k", "v");
        client.Call("GET", "otlp:k");

        await ClusterFixture.WaitUntil(() => Receiver.Received("traces", "http", "node-under-test", "instance-42", "GET", "db.operation.name"),
            "a trace export with the service name, the instance id and the GET span", seconds: 60);
        await ClusterFixture.WaitUntil(() => Receiver.Received("metrics", "http", "node-under-test", "redisclone.commands"),
            "a metrics export with the node's command counter", seconds: 60);
    }
}
