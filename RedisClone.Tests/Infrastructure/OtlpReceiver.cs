using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RedisClone.Tests.Infrastructure.Otlp;

namespace RedisClone.Tests.Infrastructure;

/// <summary>
/// An OTLP receiver inside the test, standing where the Aspire dashboard stands: OTLP/gRPC on <see cref="GrpcEndpoint"/>
/// and OTLP/HTTP (protobuf) on <see cref="HttpEndpoint"/>, both on loopback ports picked by the OS. It decodes what
/// arrives into spans, metrics and logs with their resource. With an API key, as the dashboard can require, an export
/// without the <c>x-otlp-api-key</c> header is refused and counted in <see cref="Refused"/>.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    public const string ApiKeyHeader = "x-otlp-api-key";

    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly ConcurrentQueue<ReceivedMetric> _metrics = new();
    private readonly ConcurrentQueue<ReceivedLog> _logs = new();
    private readonly string? _apiKey;
    private WebApplication? _app;
    private int _refused;

    private OtlpReceiver(string? apiKey) => _apiKey = apiKey;

    /// <summary>http://127.0.0.1:port of the OTLP/gRPC endpoint (HTTP/2 without TLS).</summary>
    public string GrpcEndpoint { get; private set; } = "";

    /// <summary>http://127.0.0.1:port of the OTLP/HTTP endpoint (/v1/traces, /v1/metrics, /v1/logs; protobuf bodies).</summary>
    public string HttpEndpoint { get; private set; } = "";

    public IReadOnlyList<ReceivedSpan> Spans => [.. _spans];

    public IReadOnlyList<ReceivedMetric> Metrics => [.. _metrics];

    public IReadOnlyList<ReceivedLog> Logs => [.. _logs];

    /// <summary>Exports refused for a missing or wrong API key.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public static async Task<OtlpReceiver> StartAsync(string? apiKey = null)
    {
        var receiver = new OtlpReceiver(apiKey);
        await receiver.StartServerAsync();
        return receiver;
    }

    /// <summary>
    /// The OTEL_* variables an Aspire AppHost gives a resource, pointed at this receiver (<paramref name="protocol"/>
    /// "grpc" or "http/protobuf"), with short export intervals and every trace sampled.
    /// </summary>
    public Dictionary<string, string> ExporterEnvironment(string serviceName, string instanceId, string protocol = "grpc")
    {
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = protocol == "grpc" ? GrpcEndpoint : HttpEndpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol,
            ["OTEL_SERVICE_NAME"] = serviceName,
            ["OTEL_RESOURCE_ATTRIBUTES"] = "service.instance.id=" + instanceId,
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
            ["OTEL_TRACES_SAMPLER"] = "always_on",
        };
        if (_apiKey is not null)
        {
            environment["OTEL_EXPORTER_OTLP_HEADERS"] = $"{ApiKeyHeader}={_apiKey}";
        }
        return environment;
    }

    public async Task<ReceivedSpan> WaitForSpan(Func<ReceivedSpan, bool> match, string what, int seconds = 60)
    {
        ReceivedSpan? found = null;
        await ClusterFixture.WaitUntil(() => (found = _spans.FirstOrDefault(match)) is not null, what, seconds);
        return found!;
    }

    public async Task<ReceivedMetric> WaitForMetric(Func<ReceivedMetric, bool> match, string what, int seconds = 60)
    {
        ReceivedMetric? found = null;
        await ClusterFixture.WaitUntil(() => (found = _metrics.FirstOrDefault(match)) is not null, what, seconds);
        return found!;
    }

    private async Task StartServerAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(this);
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = 64 * 1024 * 1024);
        ListenOptions? grpcListen = null, httpListen = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http2; // gRPC without TLS: HTTP/2 with prior knowledge
                grpcListen = listen;
            });
            kestrel.Listen(IPAddress.Loopback, 0, listen => httpListen = listen);
        });
        _app = builder.Build();
        _app.MapGrpcService<TraceReceiver>();
        _app.MapGrpcService<MetricsReceiver>();
        _app.MapGrpcService<LogsReceiver>();
        _app.MapPost("/v1/traces", context => Http(context, ExportTraceServiceRequest.Parser, r => Accept(r)));
        _app.MapPost("/v1/metrics", context => Http(context, ExportMetricsServiceRequest.Parser, r => Accept(r)));
        _app.MapPost("/v1/logs", context => Http(context, ExportLogsServiceRequest.Parser, r => Accept(r)));
        await _app.StartAsync();
        GrpcEndpoint = $"http://127.0.0.1:{((IPEndPoint)grpcListen!.EndPoint).Port}";
        HttpEndpoint = $"http://127.0.0.1:{((IPEndPoint)httpListen!.EndPoint).Port}";
    }

    private void Accept(ExportTraceServiceRequest request)
    {
        foreach (ReceivedSpan span in OtlpDecoding.Spans(request))
        {
            _spans.Enqueue(span);
        }
    }

    private void Accept(ExportMetricsServiceRequest request)
    {
        foreach (ReceivedMetric metric in OtlpDecoding.Metrics(request))
        {
            _metrics.Enqueue(metric);
        }
    }

    private void Accept(ExportLogsServiceRequest request)
    {
        foreach (ReceivedLog log in OtlpDecoding.Logs(request))
        {
            _logs.Enqueue(log);
        }
    }

    private bool Authorized(string? key)
    {
        if (_apiKey is null || key == _apiKey)
        {
            return true;
        }
        Interlocked.Increment(ref _refused);
        return false;
    }

    /// <summary>OTLP/HTTP: a protobuf body (gzip allowed), answered with an empty protobuf response.</summary>
    private async Task Http<T>(HttpContext context, MessageParser<T> parser, Action<T> accept)
        where T : IMessage<T>
    {
        if (!Authorized(context.Request.Headers[ApiKeyHeader]))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        if (context.Request.ContentType?.StartsWith("application/x-protobuf", StringComparison.OrdinalIgnoreCase) != true)
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType; // OTLP/JSON is not decoded here
            return;
        }
        using var body = new MemoryStream();
        Stream source = context.Request.Headers.ContentEncoding == "gzip" ? new GZipStream(context.Request.Body, CompressionMode.Decompress) : context.Request.Body;
        await using (source)
        {
            await source.CopyToAsync(body);
        }
        accept(parser.ParseFrom(body.ToArray()));
        context.Response.ContentType = "application/x-protobuf";
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private void CheckGrpc(ServerCallContext context)
    {
        if (!Authorized(context.RequestHeaders.GetValue(ApiKeyHeader)))
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.Unauthenticated, "missing or wrong " + ApiKeyHeader));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private sealed class TraceReceiver(OtlpReceiver receiver) : TraceService.TraceServiceBase
    {
        public override Task<ExportResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
        {
            receiver.CheckGrpc(context);
            receiver.Accept(request);
            return Task.FromResult(new ExportResponse());
        }
    }

    private sealed class MetricsReceiver(OtlpReceiver receiver) : MetricsService.MetricsServiceBase
    {
        public override Task<ExportResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context)
        {
            receiver.CheckGrpc(context);
            receiver.Accept(request);
            return Task.FromResult(new ExportResponse());
        }
    }

    private sealed class LogsReceiver(OtlpReceiver receiver) : LogsService.LogsServiceBase
    {
        public override Task<ExportResponse> Export(ExportLogsServiceRequest request, ServerCallContext context)
        {
            receiver.CheckGrpc(context);
            receiver.Accept(request);
            return Task.FromResult(new ExportResponse());
        }
    }
}
