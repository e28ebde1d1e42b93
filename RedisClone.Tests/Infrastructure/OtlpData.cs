using System.Diagnostics;
using Google.Protobuf;
using Google.Protobuf.Collections;
using RedisClone.Tests.Infrastructure.Otlp;

namespace RedisClone.Tests.Infrastructure;

/// <summary>The resource an export came from: its attributes (service.name, service.instance.id...).</summary>
public sealed record ReceivedResource(IReadOnlyDictionary<string, object?> Attributes)
{
    public string? ServiceName => Attributes.GetValueOrDefault("service.name") as string;

    public string? InstanceId => Attributes.GetValueOrDefault("service.instance.id") as string;
}

/// <summary>One span as an OTLP receiver sees it; ids are lower-case hex as in W3C traceparent.</summary>
public sealed record ReceivedSpan(
    ReceivedResource Resource,
    string Scope,
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    ActivityKind Kind,
    ActivityStatusCode Status,
    IReadOnlyDictionary<string, object?> Attributes)
{
    public object? this[string attribute] => Attributes.GetValueOrDefault(attribute);
}

/// <summary>One data point: a sum or gauge value, or a histogram's count.</summary>
public sealed record ReceivedPoint(IReadOnlyDictionary<string, object?> Attributes, double Value);

public sealed record ReceivedMetric(ReceivedResource Resource, string Scope, string Name, string Unit, IReadOnlyList<ReceivedPoint> Points);

public sealed record ReceivedLog(ReceivedResource Resource, string Scope, string Severity, string Body, string TraceId, string SpanId, IReadOnlyDictionary<string, object?> Attributes);

/// <summary>Turns decoded OTLP messages into the records above.</summary>
internal static class OtlpDecoding
{
    public static IEnumerable<ReceivedSpan> Spans(ExportTraceServiceRequest request) =>
        from resourceSpans in request.ResourceSpans
        let resource = Resource(resourceSpans.Resource)
        from scopeSpans in resourceSpans.ScopeSpans
        from span in scopeSpans.Spans
        select new ReceivedSpan(resource, scopeSpans.Scope?.Name ?? "", Hex(span.TraceId), Hex(span.SpanId), Hex(span.ParentSpanId), span.Name,
            span.Kind switch { 2 => ActivityKind.Server, 3 => ActivityKind.Client, 4 => ActivityKind.Producer, 5 => ActivityKind.Consumer, _ => ActivityKind.Internal },
            span.Status?.Code switch { 1 => ActivityStatusCode.Ok, 2 => ActivityStatusCode.Error, _ => ActivityStatusCode.Unset },
            Attributes(span.Attributes));

    public static IEnumerable<ReceivedMetric> Metrics(ExportMetricsServiceRequest request) =>
        from resourceMetrics in request.ResourceMetrics
        let resource = Resource(resourceMetrics.Resource)
        from scopeMetrics in resourceMetrics.ScopeMetrics
        from metric in scopeMetrics.Metrics
        select new ReceivedMetric(resource, scopeMetrics.Scope?.Name ?? "", metric.Name, metric.Unit, Points(metric));

    public static IEnumerable<ReceivedLog> Logs(ExportLogsServiceRequest request) =>
        from resourceLogs in request.ResourceLogs
        let resource = Resource(resourceLogs.Resource)
        from scopeLogs in resourceLogs.ScopeLogs
        from log in scopeLogs.LogRecords
        select new ReceivedLog(resource, scopeLogs.Scope?.Name ?? "", log.SeverityText, Value(log.Body) as string ?? "", Hex(log.TraceId), Hex(log.SpanId), Attributes(log.Attributes));

    private static List<ReceivedPoint> Points(Metric metric) => metric.DataCase switch
    {
        Metric.DataOneofCase.Sum => metric.Sum.DataPoints.Select(Number).ToList(),
        Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints.Select(Number).ToList(),
        Metric.DataOneofCase.Histogram => metric.Histogram.DataPoints.Select(p => new ReceivedPoint(Attributes(p.Attributes), p.Count)).ToList(),
        _ => [],
    };

    private static ReceivedPoint Number(NumberDataPoint point) =>
        new(Attributes(point.Attributes), point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble);

    private static ReceivedResource Resource(Otlp.Resource? resource) => new(Attributes(resource?.Attributes));

    private static Dictionary<string, object?> Attributes(RepeatedField<KeyValue>? attributes)
    {
        var result = new Dictionary<string, object?>();
        foreach (KeyValue attribute in attributes ?? [])
        {
            result[attribute.Key] = Value(attribute.Value);
        }
        return result;
    }

    private static object? Value(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue,
        AnyValue.ValueOneofCase.BytesValue => value.BytesValue.ToByteArray(),
        AnyValue.ValueOneofCase.ArrayValue => value.ArrayValue.Values.Select(Value).ToArray(),
        AnyValue.ValueOneofCase.KvlistValue => Attributes(value.KvlistValue.Values),
        _ => null,
    };

    private static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);
}
