using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Observability;

/// <summary>
/// A node process exporting to an OTLP/HTTP receiver inside the test, configured only through the OTEL_* variables an
/// Aspire AppHost sets: what makes the Aspire dashboard (an OTLP receiver) show the node.
/// </summary>
public sealed class OtlpExportTests : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<byte[]>> _received = new();
    private WebApplication? _receiver;
    private int _port;

    public async Task InitializeAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _receiver = builder.Build();
        foreach (string signal in new[] { "traces", "metrics", "logs" })
        {
            _receiver.MapPost($"/v1/{signal}", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                _received.GetOrAdd(signal, _ => []).Add(body.ToArray());
                context.Response.ContentType = "application/x-protobuf";
                return Results.Ok();
            });
        }
        await _receiver.StartAsync();
        _port = new Uri(_receiver.Urls.First()).Port;
    }

    public async Task DisposeAsync()
    {
        if (_receiver is not null)
        {
            await _receiver.StopAsync();
            await _receiver.DisposeAsync();
        }
    }

    /// <summary>True once some export of <paramref name="signal"/> contains every one of <paramref name="texts"/>.</summary>
    private bool Received(string signal, params string[] texts) =>
        _received.TryGetValue(signal, out ConcurrentBag<byte[]>? bodies)
        && bodies.Any(body => texts.All(text => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0));

    [Fact(Timeout = 120_000)]
    public async Task Traces_and_metrics_arrive_with_the_service_name_and_instance_id()
    {
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{_port}",
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

        await ClusterFixture.WaitUntil(() => Received("traces", "node-under-test", "instance-42", "GET", "db.operation.name"),
            "a trace export with the service name, the instance id and the GET span", seconds: 60);
        await ClusterFixture.WaitUntil(() => Received("metrics", "node-under-test", "redisclone.commands"),
            "a metrics export with the node's command counter", seconds: 60);
    }
}
