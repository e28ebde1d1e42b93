using System.Diagnostics;

namespace RedisClone.Benchmarks.PubSub;

/// <summary>
/// A fixed schedule for --rate: the run's n-th message is due n / rate seconds after the start, and publisher p sends
/// messages p, p + P, p + 2P, ... of the run. Due times are absolute, so a late wake-up catches up instead of drifting.
/// </summary>
public sealed class PublishSchedule(double totalRate, int publishers, int publisher, long startTimestamp)
{
    /// <summary>How many of this publisher's messages are due at <paramref name="timestamp"/>.</summary>
    public long DueBy(long timestamp)
    {
        double slots = (timestamp - startTimestamp) * totalRate / Stopwatch.Frequency;
        return slots < publisher ? 0 : (long)((slots - publisher) / publishers) + 1;
    }

    /// <summary>Time from <paramref name="timestamp"/> until this publisher's message number <paramref name="sequence"/> is due.</summary>
    public TimeSpan Until(long sequence, long timestamp)
    {
        double dueSeconds = ((sequence * publishers) + publisher) / totalRate;
        double nowSeconds = (double)(timestamp - startTimestamp) / Stopwatch.Frequency;
        return TimeSpan.FromSeconds(Math.Max(0, dueSeconds - nowSeconds));
    }
}
