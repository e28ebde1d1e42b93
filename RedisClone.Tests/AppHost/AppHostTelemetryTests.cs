using System.Globalization;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.AppHost;

/// <summary>
/// The dashboard path: with ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL pointing at an OTLP/gRPC receiver (standing in for the
/// standalone Aspire dashboard), every node's traces, metrics and logs arrive there under its own service name.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class AppHostTelemetryTests
{
    [Fact(Timeout = 300_000)]
    public async Task Every_node_exports_traces_metrics_and_logs_to_the_dashboard_address_under_its_own_name()
    {
        const int nodes = 3;
        await using OtlpReceiver dashboard = await OtlpReceiver.StartAsync();
        int basePort = AppHostProcess.FreeBasePort(nodes);
        using AppHostProcess host = AppHostProcess.Start(
            new Dictionary<string, string>
            {
                ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = dashboard.GrpcEndpoint,
                // As `dotnet run` sets it from launchSettings.json: short export delays, every trace sampled.
                ["DOTNET_ENVIRONMENT"] = "Development",
            },
            "--base-port", basePort.ToString(CultureInfo.InvariantCulture));
        await host.WaitForLine(line => line == $"apphost | telemetry: OTLP (grpc) to {dashboard.GrpcEndpoint} (from ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL)",
            "the AppHost saying where telemetry goes");
        await host.WaitHealthy(basePort, nodes);

        for (int k = 1; k <= nodes; k++)
        {
            using RawClient client = RawClient.Connect(AppHostProcess.RespPort(basePort, k));
            Assert.Equal("+OK\r\n", client.Call("SET", "telemetry:key", "v"));
        }
        for (int k = 1; k <= nodes; k++)
        {
            string name = $"node{k}";
            // service.name and service.instance.id (node1-xxxxxxx) as the AppHost set them, with the node's own data;
            // the receiver serves OTLP/gRPC only on the address the AppHost was given.
            bool FromNode(ReceivedResource resource) =>
                resource.ServiceName == name && resource.InstanceId?.StartsWith(name + "-", StringComparison.Ordinal) == true;
            await dashboard.WaitForSpan(span => FromNode(span.Resource) && span.Name == "SET" && (string?)span["db.operation.name"] == "SET",
                $"{name}'s SET span over OTLP/gRPC", seconds: 90);
            await dashboard.WaitForMetric(metric => FromNode(metric.Resource) && metric.Name == "redisclone.commands",
                $"{name}'s command counter over OTLP/gRPC", seconds: 90);
            await host.WaitUntil(() => dashboard.Logs.Any(log => FromNode(log.Resource) && log.Body.Contains($"Cluster node {name} gossiping", StringComparison.Ordinal)),
                $"{name}'s start-up log entry over OTLP/gRPC", seconds: 90);
        }

        host.Terminate();
        Assert.True(host.WaitForExit(TimeSpan.FromSeconds(60)), "the AppHost did not exit within 60 s of SIGTERM:\n" + host.Output);
    }
}
