using System.Runtime;
using RedisClone.Node.Hosting;

namespace RedisClone.Node.Storage;

/// <summary>
/// Gives memory back to the system after big transient use (a big value deleted, big commands received, many clients
/// gone). The .NET GC keeps the heap it grew to for as long as nothing makes it collect (an idle node kept 0.9-2.3 GB
/// for 25 minutes); Redis frees at once. Checked once a second: after a quiet second (under 1 MB received and under
/// 1,000 commands), when the keyspace changed or 64 MB were allocated since the last trim, one blocking, compacting,
/// aggressive full collection (large objects included) returns what is free. A trim that returned little (under 32 MB)
/// doubles the wait before the next (2 s, then 4 s ... up to 10 minutes), so a node that keeps a big heap alive and
/// sees a trickle of writes is not collected over and over; a trim that returned much, or 64 MB allocated since the
/// last one (big churn: much may be free), brings the wait back to 2 s.
/// </summary>
internal sealed class MemoryTrim
{
    public const long QuietInputBytes = 1024 * 1024;
    public const long QuietCommands = 1000;
    public const long AllocationTrigger = 64L * 1024 * 1024;
    public const long WorthwhileReturn = 32L * 1024 * 1024;
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan MaxInterval = TimeSpan.FromMinutes(10);

    private long _lastCommands;
    private long _lastInput;
    private long _dirtyAtTrim;
    private long _allocatedAtTrim;
    private long _lastTrimMs = Environment.TickCount64;
    private TimeSpan _interval = MinInterval;

    /// <summary>Trims run so far (INFO memory: memory_trims).</summary>
    public long Trims { get; private set; }

    /// <summary>Bytes the last trim gave back to the system (committed memory before less after).</summary>
    public long LastReturnedBytes { get; private set; }

    /// <summary>The rule, pure: whether to trim now.</summary>
    public static bool ShouldTrim(long inputBytesLastSecond, long commandsLastSecond, bool keyspaceChanged, long allocatedSinceTrim,
        TimeSpan sinceLastTrim, TimeSpan interval) =>
        inputBytesLastSecond < QuietInputBytes && commandsLastSecond < QuietCommands
        && (keyspaceChanged || allocatedSinceTrim >= AllocationTrigger)
        && sinceLastTrim >= interval;

    /// <summary>The wait before the next trim, after one that returned <paramref name="returned"/> bytes.</summary>
    public static TimeSpan NextInterval(TimeSpan interval, long returned) =>
        returned >= WorthwhileReturn ? MinInterval : TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, MaxInterval.Ticks));

    /// <summary>Called once a second by <see cref="BackgroundMaintenance"/>.</summary>
    public void Check(long commandsProcessed, long inputBytes, long keyspaceDirty)
    {
        long commands = commandsProcessed - _lastCommands;
        long input = inputBytes - _lastInput;
        _lastCommands = commandsProcessed;
        _lastInput = inputBytes;
        long allocated = GC.GetTotalAllocatedBytes() - _allocatedAtTrim;
        long now = Environment.TickCount64;
        if (allocated >= AllocationTrigger)
        {
            _interval = MinInterval;
        }
        if (!ShouldTrim(input, commands, keyspaceDirty != _dirtyAtTrim, allocated, TimeSpan.FromMilliseconds(now - _lastTrimMs), _interval))
        {
            return;
        }
        long before = GC.GetGCMemoryInfo().TotalCommittedBytes;
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        long after = GC.GetGCMemoryInfo().TotalCommittedBytes;
        LastReturnedBytes = Math.Max(0, before - after);
        _interval = NextInterval(_interval, LastReturnedBytes);
        _dirtyAtTrim = keyspaceDirty;
        _allocatedAtTrim = GC.GetTotalAllocatedBytes();
        _lastTrimMs = Environment.TickCount64;
        Trims++;
    }
}
