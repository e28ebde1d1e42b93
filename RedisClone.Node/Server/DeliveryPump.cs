using System.Diagnostics;

namespace RedisClone.Node.Server;

/// <summary>
/// Wakes subscribers whose <see cref="OutboundQueue"/> became non-empty, in rounds: one thread-pool work item per
/// pump wakes every subscriber that is waiting, one after another, and each woken read loop drains its queue and
/// sends at once on that thread (inline I/O). Subscribers woken while a round runs wait for the next round, so the
/// busier the node, the more messages each send carries; this is Redis's "write to every client once per event-loop
/// turn". An idle node's round starts at once, so a lone message is not delayed.
/// </summary>
/// <remarks>
/// Measured on 2 cores (BENCHMARKS.md): against one work item per woken subscriber, one pump raised standalone
/// deliveries/s 1.4-1.8x and the cluster's by a third to a half, with less CPU per delivery; two pumps on 2 cores did
/// worse than one. One pump per two cores is the untested guess for bigger machines. The pause after busy rounds
/// (4x, at most 5 ms) halved the nodes' CPU per delivery in the three-node benchmark and raised its deliveries/s
/// 1.3-1.5M -> 2.3-2.7M; p99 at a fixed 5,000 messages/s stayed where it was. A longer cap for every round (10 or
/// 20 ms) raised deliveries/s further but p99 at 5,000 messages/s too; allowing it only after backlogged rounds
/// (8x, at most 20 ms) kept that p99 and raised deliveries/s again: subscribers on all three nodes by a quarter or more,
/// on two of them by 6-15 %.
/// </remarks>
internal static class DeliveryPump
{
    private static readonly Pump[] Pumps = CreatePumps(Math.Max(1, Environment.ProcessorCount / 2));
    private static int s_next;

    /// <summary>A light round's pause is this many times its length, so the pump spends at most a fifth of its time sending.</summary>
    private const long LightPauseFactor = 4;

    /// <summary>A backlogged round's pause: subscribers are behind anyway, so fewer, larger sends cost them nothing.</summary>
    private const long BackloggedPauseFactor = 8;

    /// <summary>
    /// A round that sent at least this much per subscriber served was backlogged (a paced stream sends a few
    /// hundred bytes per round; a saturated one several KB).
    /// </summary>
    internal const long BackloggedBytesPerSubscriber = 2048;

    private static long s_maxPauseTicks = MicrosecondsToTicks(20_000);

    [ThreadStatic]
    private static long t_drainedBytes;

    /// <summary>The longest pause after a backlogged round (the pubsub-round-pause-max-us setting); 0: none.</summary>
    public static int MaxPauseMicroseconds
    {
        set => Volatile.Write(ref s_maxPauseTicks, MicrosecondsToTicks(value));
    }

    /// <summary>Told by a queue's drain; a round reads it on its own thread, where the drains it starts run.</summary>
    public static void CountDrained(long bytes) => t_drainedBytes += bytes;

    /// <summary>
    /// The pause after a round: 4x its length, at most a quarter of the longest pause; after a backlogged round
    /// 8x, at most the longest pause. A lone message's round is short, so it is never held for long.
    /// </summary>
    internal static long PauseTicks(long roundTicks, long bytesSent, int subscribersServed, long maxPauseTicks)
    {
        bool backlogged = subscribersServed > 0 && bytesSent / subscribersServed >= BackloggedBytesPerSubscriber;
        return backlogged
            ? Math.Min(maxPauseTicks, BackloggedPauseFactor * roundTicks)
            : Math.Min(maxPauseTicks / 4, LightPauseFactor * roundTicks);
    }

    private static long MicrosecondsToTicks(long microseconds) => microseconds * Stopwatch.Frequency / 1_000_000;

    /// <summary>The pump a new queue uses for its whole life (round robin).</summary>
    public static int Assign() => (int)((uint)Interlocked.Increment(ref s_next) % (uint)Pumps.Length);

    public static void Schedule(OutboundQueue queue, int pump) => Pumps[pump].Add(queue);

    private static Pump[] CreatePumps(int count)
    {
        var pumps = new Pump[count];
        for (int i = 0; i < count; i++)
        {
            pumps[i] = new Pump();
        }
        return pumps;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Pumps live as long as the process.")]
    private sealed class Pump : IThreadPoolWorkItem
    {
        private readonly Lock _sync = new();
        private List<OutboundQueue> _waiting = [];
        private List<OutboundQueue> _spare = [];
        private bool _scheduled;
        private long _pauseUntil;
        private readonly Timer _resume;

        public Pump() => _resume = new Timer(static pump => ThreadPool.UnsafeQueueUserWorkItem((Pump)pump!, preferLocal: false), this, Timeout.Infinite, Timeout.Infinite);

        public void Add(OutboundQueue queue)
        {
            bool schedule;
            lock (_sync)
            {
                _waiting.Add(queue);
                schedule = !_scheduled;
                _scheduled = true;
            }
            if (schedule)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }

        /// <summary>One round. Stays scheduled while it runs, so the queues woken meanwhile only collect.</summary>
        public void Execute()
        {
            long start = Stopwatch.GetTimestamp();
            long pauseMs = (_pauseUntil - start) * 1000 / Stopwatch.Frequency;
            if (pauseMs > 0)
            {
                // Still scheduled: queues woken during the pause collect for the round the timer starts.
                _pauseUntil = 0;
                _resume.Change(pauseMs, Timeout.Infinite);
                return;
            }
            List<OutboundQueue> round;
            long drainedBefore = t_drainedBytes;
            lock (_sync)
            {
                round = _waiting;
                _waiting = _spare;
            }
            int served = round.Count;
            try
            {
                foreach (OutboundQueue queue in round)
                {
                    queue.RunWake();
                }
            }
            finally
            {
                round.Clear();
                long end = Stopwatch.GetTimestamp();
                _pauseUntil = end + PauseTicks(end - start, t_drainedBytes - drainedBefore, served, Volatile.Read(ref s_maxPauseTicks));
                bool again;
                lock (_sync)
                {
                    _spare = round;
                    again = _waiting.Count > 0;
                    _scheduled = again;
                }
                if (again)
                {
                    // Back of the thread pool's queue rather than a loop here: other work gets its turn between rounds.
                    ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                }
            }
        }
    }
}
