using System.Globalization;
using RedisClone.Benchmarks.Cli;
using RedisClone.Benchmarks.Idle;
using RedisClone.Benchmarks.Net;
using RedisClone.Benchmarks.PubSub;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Benchmarks;

/// <summary>The load tool end to end against a real node: every message arrives once, in order, as many times as expected.</summary>
public class PubSubToolTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private ToolOptions SmallRun(string prefix) => new()
    {
        PublishEndpoints = [new Endpoint("127.0.0.1", node.Port)],
        SubscribeEndpoints = [new Endpoint("127.0.0.1", node.Port)],
        Subscribers = 20,
        Channels = 5,
        Publishers = 2,
        Pipeline = 16,
        Messages = 2_000,
        Size = 64,
        ChannelPrefix = prefix,
        DrainTimeout = 10,
        SetupTimeout = 30,
        ProgressInterval = 0,
    };

    [Theory(Timeout = 120_000)]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public async Task Every_expected_delivery_arrives_once_and_in_order(bool patterns, int readerThreads)
    {
        ToolOptions options = SmallRun($"e2e{(patterns ? "p" : "c")}{readerThreads}") with { Patterns = patterns, ReaderThreads = readerThreads };

        PubSubResult result = await new PubSubBenchmark(options, TextWriter.Null, CancellationToken.None, CancellationToken.None)
            .RunAsync().WaitAsync(Deadline);

        string report = result.HumanReport();
        Assert.Equal(2_000, result.Published);
        // 20 subscribers on 5 channels: every message has 4 receivers.
        Assert.Equal(8_000, result.Expected);
        Assert.Equal(result.Expected, result.Delivered);
        Assert.True(result.Lost == 0, report);
        Assert.True(result.Duplicates == 0, report);
        Assert.True(result.OutOfOrder == 0, report);
        Assert.True(result.Unexpected == 0 && result.PublishErrors == 0 && result.Failures.Count == 0, report);
        Assert.Equal(StopReason.Completed, result.Stopped);
        Assert.True(result.IsClean, report);
        Assert.InRange(result.P50Micros, 1, result.MaxMicros);
        Assert.Contains(" lost=0 duplicates=0 out_of_order=0 ", result.SummaryLine(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Expected_deliveries_follow_the_channel_mapping_when_channels_outnumber_subscribers()
    {
        // Subscribers on channels 0..2 only: messages to channels 3 and 4 have no receiver and must not be expected.
        ToolOptions options = SmallRun("e2e-sparse") with { Subscribers = 3, Messages = 1_001, Rate = 20_000 };
        long expected = 0;
        for (int publisher = 0; publisher < 2; publisher++)
        {
            long quota = publisher == 0 ? 501 : 500;
            for (long k = 0; k < quota; k++)
            {
                expected += (publisher + k) % 5 < 3 ? 1 : 0;
            }
        }

        PubSubResult result = await new PubSubBenchmark(options, TextWriter.Null, CancellationToken.None, CancellationToken.None)
            .RunAsync().WaitAsync(Deadline);

        Assert.Equal(expected, result.Expected);
        Assert.True(result.IsClean && result.Delivered == expected, result.HumanReport());
    }

    [Fact(Timeout = 120_000)]
    public async Task Idle_subscribers_stay_subscribed_until_stopped()
    {
        const int Connections = 200;
        var options = new ToolOptions
        {
            Mode = ToolMode.Idle,
            SubscribeEndpoints = [new Endpoint("127.0.0.1", node.Port)],
            IdleConnections = Connections,
            Channels = Connections,
            ChannelPrefix = "e2e-idle",
            SetupTimeout = 30,
        };
        using var stop = new CancellationTokenSource();
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        TextWriter synced = TextWriter.Synchronized(output);
        Task<bool> run = new IdleSubscribers(options, synced, TextWriter.Null, stop.Token).RunAsync();

        using RawClient client = node.Raw();
        string channels = "";
        DateTime deadline = DateTime.UtcNow + Deadline;
        // The tool says READY once it has read every confirmation; only then is stopping it not an interruption.
        while (!run.IsCompleted && DateTime.UtcNow < deadline && !Written(synced, output).Contains("READY", StringComparison.Ordinal))
        {
            await Task.Delay(10);
        }
        channels = client.Call("PUBSUB", "NUMSUB", "e2e-idle:0:feed", $"e2e-idle:{Connections - 1}:feed");
        Assert.False(run.IsCompleted, "the idle mode ended before it was told to stop");
        Assert.Equal($"*4\r\n$15\r\ne2e-idle:0:feed\r\n:1\r\n$17\r\ne2e-idle:{Connections - 1}:feed\r\n:1\r\n", channels);
        await stop.CancelAsync();

        Assert.True(await run.WaitAsync(Deadline));
        Assert.Contains($"SUMMARY mode=idle idle_connections={Connections} channels={Connections} patterns=0 confirmed={Connections} closed_by_server=0", output.ToString(), StringComparison.Ordinal);
    }

    // The synchronized writer locks on itself while writing; reading under the same lock sees whole lines.
    private static string Written(TextWriter synced, StringWriter output)
    {
        lock (synced)
        {
            return output.ToString();
        }
    }
}
