using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace RedisClone.Tests.Infrastructure;

/// <summary>
/// An OTLP receiver inside the test, standing in for the Aspire dashboard: OTLP/HTTP (protobuf) on one loopback port
/// and OTLP/gRPC on another (HTTP/2 without TLS, as the dashboard's container serves it). It keeps every export's
/// body, per signal and transport, so a test can look for a service name or a span name in what arrived.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private static readonly (string Signal, string GrpcPath)[] Signals =
    [
        ("traces", "/opentelemetry.proto.collector.trace.v1.TraceService/Export"),
        ("metrics", "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export"),
        ("logs", "/opentelemetry.proto.collector.logs.v1.LogsService/Export"),
    ];

    private readonly ConcurrentDictionary<(string Signal, string Transport), ConcurrentBag<byte[]>> _received;
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app, ConcurrentDictionary<(string Signal, string Transport), ConcurrentBag<byte[]>> received, int httpPort, int grpcPort)
    {
        _app = app;
        _received = received;
        HttpEndpoint = $"http://127.0.0.1:{httpPort}";
        GrpcEndpoint = $"http://127.0.0.1:{grpcPort}";
    }

    /// <summary>The OTLP/HTTP base address (the dashboard's 18890, published as 4318).</summary>
    public string HttpEndpoint { get; }

    /// <summary>The OTLP/gRPC address (the dashboard's 18889, published as 4317).</summary>
    public string GrpcEndpoint { get; }

    public static async Task<OtlpReceiver> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? http = null;
        ListenOptions? grpc = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => http = listen);
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                grpc = listen;
            });
        });
        WebApplication app = builder.Build();
        var received = new ConcurrentDictionary<(string Signal, string Transport), ConcurrentBag<byte[]>>();
        void Keep(string signal, string transport, byte[] body) => received.GetOrAdd((signal, transport), _ => []).Add(body);
        foreach ((string signal, string grpcPath) in Signals)
        {
            app.MapPost($"/v1/{signal}", async (HttpContext context) =>
            {
                Keep(signal, "http", await ReadBody(context));
                context.Response.ContentType = "application/x-protobuf";
            });
            app.MapPost(grpcPath, async (HttpContext context) =>
            {
                Keep(signal, "grpc", await ReadBody(context));
                // An empty Export*ServiceResponse in one uncompressed gRPC frame, then the OK status as trailers.
                context.Response.ContentType = "application/grpc";
                await context.Response.Body.WriteAsync(new byte[5]);
                context.Response.AppendTrailer("grpc-status", "0");
            });
        }
        await app.StartAsync();
        int Port(ListenOptions? listen) => ((IPEndPoint)listen!.EndPoint).Port;
        return new OtlpReceiver(app, received, Port(http), Port(grpc));
    }

    private static async Task<byte[]> ReadBody(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        return body.ToArray();
    }

    /// <summary>True once one export of <paramref name="signal"/> over <paramref name="transport"/> (http or grpc) contains every text.</summary>
    public bool Received(string signal, string transport, params string[] texts) =>
        _received.TryGetValue((signal, transport), out ConcurrentBag<byte[]>? bodies)
        && bodies.Any(body => texts.All(text => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
