using System.Diagnostics;
using HdrHistogram;

namespace RedisClone.Benchmarks.PubSub;

/// <summary>
/// Publish-to-delivery latency in microseconds. Subscriber reads run on pool threads, so each thread records into its
/// own histogram (no lock, no sharing); <see cref="Merge"/> adds them up once every reader has stopped.
/// </summary>
public sealed class LatencyRecorder : IDisposable
{
    /// <summary>One hour: anything slower is clamped, not thrown on.</summary>
    public const long HighestMicros = 3_600_000_000;

    private const int SignificantDigits = 3;

    private static readonly double MicrosPerTick = 1_000_000.0 / Stopwatch.Frequency;

    private readonly ThreadLocal<LongHistogram> _perThread = new(NewHistogram, trackAllValues: true);

    public static LongHistogram NewHistogram() => new(1, HighestMicros, SignificantDigits);

    /// <summary>This thread's histogram: fetch it once per batch of frames, then record into it.</summary>
    public LongHistogram ForThisThread => _perThread.Value!;

    public static long ToMicros(long stopwatchTicks) =>
        (long)Math.Clamp(stopwatchTicks * MicrosPerTick, 0, HighestMicros);

    public LongHistogram Merge()
    {
        LongHistogram total = NewHistogram();
        foreach (LongHistogram histogram in _perThread.Values)
        {
            total.Add(histogram);
        }
        return total;
    }

    public void Dispose() => _perThread.Dispose();
}
