using System.Diagnostics;
using RedisClone.Node.Commands;

namespace RedisClone.Node.Observability;

/// <summary>
/// The node's tracing source. Tracing: one Server span per executed command (<c>Commands/CommandTracing</c>), named after it, with OpenTelemetry's database conventions for
/// Redis; a Producer span when a PUBLISH is forwarded to peers and a Consumer span when a peer delivers it, so a
/// cross-node PUBLISH is one trace. Arguments are recorded only as the sanitised db.query.text, and only when
/// trace-query-text is on (see <see cref="QueryText"/>). With no listener, nothing is allocated.
/// </summary>
internal static class NodeTelemetry
{
    public const string SourceName = "RedisClone.Node";

    public static readonly ActivitySource Source = new(SourceName, typeof(NodeTelemetry).Assembly.GetName().Version?.ToString(3));

    /// <summary>The W3C trace context of the current span, to carry inside a gossip message ("" when not traced).</summary>
    public static (string TraceParent, string TraceState) CurrentContext()
    {
        Activity? current = Activity.Current;
        return current is { IdFormat: ActivityIdFormat.W3C } ? (current.Id ?? "", current.TraceStateString ?? "") : ("", "");
    }
}
