using System.Diagnostics;
using System.Globalization;

namespace RedisClone.Benchmarks.PubSub;

/// <summary>One line every --progress-interval seconds on stderr: totals and the rates since the previous line.</summary>
public sealed class ProgressPrinter
{
    private readonly TextWriter _output;
    private readonly double _intervalSeconds;
    private readonly long _startTimestamp;
    private long _lastTimestamp;
    private RunTotals _last;

    public ProgressPrinter(TextWriter output, double intervalSeconds, long startTimestamp)
    {
        _output = output;
        _intervalSeconds = intervalSeconds;
        _startTimestamp = startTimestamp;
        _lastTimestamp = startTimestamp;
    }

    public void Tick(long now, RunTotals totals, bool draining)
    {
        double sinceLast = (double)(now - _lastTimestamp) / Stopwatch.Frequency;
        if (_intervalSeconds <= 0 || sinceLast < _intervalSeconds)
        {
            return;
        }
        double elapsed = (double)(now - _startTimestamp) / Stopwatch.Frequency;
        double publishRate = (totals.Acked - _last.Acked) / sinceLast;
        double deliveryRate = (totals.Delivered - _last.Delivered) / sinceLast;
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{elapsed,7:0.0} s] {(draining ? "draining:  " : "publishing:")} published {totals.Acked} ({publishRate:0}/s)  delivered {totals.Delivered} ({deliveryRate:0}/s) of {totals.Expected} expected  dup {totals.Duplicates} ooo {totals.OutOfOrder}"));
        _lastTimestamp = now;
        _last = totals;
    }
}
