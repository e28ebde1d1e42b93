using System.Globalization;
using System.Text;
using RedisClone.Benchmarks.Cli;

namespace RedisClone.Benchmarks.PubSub;

/// <summary>What a pub/sub run measured, as a human-readable block and as one machine-readable SUMMARY line.</summary>
public sealed record PubSubResult
{
    public required ToolOptions Options { get; init; }

    public long Published { get; init; }

    public long PublishErrors { get; init; }

    public long Expected { get; init; }

    public long Delivered { get; init; }

    public long Duplicates { get; init; }

    public long OutOfOrder { get; init; }

    public long Unexpected { get; init; }

    public int ClosedSubscribers { get; init; }

    /// <summary>From the first PUBLISH to the last reply.</summary>
    public double PublishSeconds { get; init; }

    /// <summary>From the first PUBLISH to the last delivery.</summary>
    public double DeliverySeconds { get; init; }

    /// <summary>CPU this tool used from the first PUBLISH on: on a small machine it shares the cores with the servers.</summary>
    public double ToolCpuMilliseconds { get; init; }

    public long P50Micros { get; init; }

    public long P99Micros { get; init; }

    public long P999Micros { get; init; }

    public long MaxMicros { get; init; }

    public double MeanMicros { get; init; }

    public StopReason Stopped { get; init; }

    /// <summary>The drain ended on its no-progress deadline rather than with every expected delivery in.</summary>
    public bool DrainTimedOut { get; init; }

    public IReadOnlyList<string> Failures { get; init; } = [];

    public long Lost => Expected - Delivered;

    public double PublishedPerSecond => PublishSeconds > 0 ? Published / PublishSeconds : 0;

    public double DeliveriesPerSecond => DeliverySeconds > 0 ? Delivered / DeliverySeconds : 0;

    /// <summary>Every expected message arrived exactly once, in order, and nothing went wrong on the way.</summary>
    public bool IsClean =>
        Lost == 0 && Duplicates == 0 && OutOfOrder == 0 && Unexpected == 0 && PublishErrors == 0
        && ClosedSubscribers == 0 && Failures.Count == 0;

    public string HumanReport()
    {
        ToolOptions o = Options;
        var text = new StringBuilder();
        string subscribe = o.Patterns ? "PSUBSCRIBE" : "SUBSCRIBE";
        string pacing = o.Rate > 0 ? Invariant($"paced at {o.Rate:0.##} msg/s") : "unpaced";
        text.AppendLine(Invariant($"pub/sub: {o.Subscribers} subscribers ({subscribe}) on {o.Channels} channels, {o.Publishers} publishers, pipeline {o.Pipeline}, {o.Messages} messages of {o.Size} bytes, {pacing}"));
        text.AppendLine(Invariant($"  publish endpoints {string.Join(',', o.PublishEndpoints)}; subscribe endpoints {string.Join(',', o.SubscribeEndpoints)}"));
        text.AppendLine(Invariant($"  published  {Published} in {PublishSeconds:0.000} s = {PublishedPerSecond:0} msg/s ({PublishErrors} errors)"));
        text.AppendLine(Invariant($"  delivered  {Delivered} of {Expected} expected in {DeliverySeconds:0.000} s = {DeliveriesPerSecond:0} deliveries/s"));
        text.AppendLine(Invariant($"  lost {Lost}, duplicates {Duplicates}, out of order {OutOfOrder}, unexpected {Unexpected}, subscribers closed by the server {ClosedSubscribers}"));
        text.AppendLine(Invariant($"  latency publish->delivery (us): p50 {P50Micros}  p99 {P99Micros}  p99.9 {P999Micros}  max {MaxMicros}  mean {MeanMicros:0.0}"));
        text.AppendLine(Invariant($"  stopped: {StopText}{(DrainTimedOut ? Invariant($"; gave up waiting for deliveries after {o.DrainTimeout:0.#} s without one") : "")}"));
        foreach (string failure in Failures.Take(10))
        {
            text.AppendLine("  failure: " + failure);
        }
        if (Failures.Count > 10)
        {
            text.AppendLine(Invariant($"  ... and {Failures.Count - 10} more failures"));
        }
        return text.ToString();
    }

    public string SummaryLine()
    {
        ToolOptions o = Options;
        return string.Concat(
            Invariant($"SUMMARY mode=pubsub subscribers={o.Subscribers} channels={o.Channels} patterns={(o.Patterns ? 1 : 0)} publishers={o.Publishers} pipeline={o.Pipeline} size={o.Size} rate={o.Rate:0.##} "),
            Invariant($"published={Published} published_per_sec={PublishedPerSecond:0} delivered={Delivered} deliveries_per_sec={DeliveriesPerSecond:0} expected={Expected} "),
            Invariant($"lost={Lost} duplicates={Duplicates} out_of_order={OutOfOrder} unexpected={Unexpected} publish_errors={PublishErrors} closed_subscribers={ClosedSubscribers} failures={Failures.Count} "),
            Invariant($"p50_us={P50Micros} p99_us={P99Micros} p999_us={P999Micros} max_us={MaxMicros} mean_us={MeanMicros:0.0} "),
            Invariant($"publish_s={PublishSeconds:0.000} delivery_s={DeliverySeconds:0.000} stopped={StopText} drain_timed_out={(DrainTimedOut ? 1 : 0)} tool_cpu_ms={ToolCpuMilliseconds:0}"));
    }

    private string StopText => Stopped switch
    {
        StopReason.DurationLimit => "duration_limit",
        StopReason.Interrupted => "interrupted",
        _ => "completed",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
