using System.Diagnostics;

namespace RedisClone.Node.Delivery;

/// <summary>
/// Wakes subscribers whose <see cref="OutboundQueue"/> became non-empty, in rounds: one thread-pool work item per
/// pump wakes every subscriber that is waiting, one after another, and each woken read loop drains its queue and
/// sends at once on that thread (inline I/O). Subscribers woken while a round runs wait for the next round, so the
/// busier the node, the more messages each send carries; this is Redis's "write to every client once per event-loop
/// turn". An idle node's round starts at once, so a lone message is not delayed. Each node owns one (its pumps and its
/// pause setting), so CONFIG SET on one node leaves other nodes in the same process alone.
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
internal sealed class DeliveryPump
{
    /// <summary>A light round's pause is this many times its length, so the pump spends at most a fifth of its time sending.</summary>
    private const long LightPauseFactor = 4;

    /// <summary>A backlogged round's pause: subscribers are behind anyway, so fewer, larger sends cost them nothing.</summary>
    private const long BackloggedPauseFactor = 8;

    /// <summary>
    /// A round that sent at least this much per subscriber served was backlogged (a paced stream sends a few
    /// hundred bytes per round; a saturated one several KB).
    /// </summary>
    internal const long BackloggedBytesPerSubscriber = 2048;

    /// <summary>
    /// Bytes drained on this thread, ever: per-thread scratch, not a setting, so the drain path needs no interlocked
    /// add. Drains of every node on the thread add to it, but a round reads only the difference across its own
    /// synchronous run, where the drains are those its own wakes ran inline (its node's queues), so nothing leaks
    /// from one node to another.
    /// </summary>
    [ThreadStatic]
    private static long t_drainedBytes;

    private readonly Pump[] _pumps;
    private int _next;
    private long _maxPauseTicks;

    public DeliveryPump(int maxPauseMicroseconds)
    {
        _maxPauseTicks = MicrosecondsToTicks(maxPauseMicroseconds);
        _pumps = new Pump[Math.Max(1, Environment.ProcessorCount / 2)];
        for (int i = 0; i < _pumps.Length; i++)
        {
            _pumps[i] = new Pump(this);
        }
    }

    /// <summary>The longest pause after a backlogged round (the pubsub-round-pause-max-us setting); 0: none.</summary>
    public int MaxPauseMicroseconds
    {
        get => (int)(Volatile.Read(ref _maxPauseTicks) * 1_000_000 / Stopwatch.Frequency);
        set => Volatile.Write(ref _maxPauseTicks, MicrosecondsToTicks(value));
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
    public Pump Assign() => _pumps[(int)((uint)Interlocked.Increment(ref _next) % (uint)_pumps.Length)];

    /// <remarks>
    /// Its timer is not disposed: one with no due time is not rooted, so the pump goes with its node, and a pending
    /// one fires once more; disposing it could instead make a running round's Change throw on the thread pool.
    /// </remarks>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "See remarks: the timer is left to the collector.")]
    internal sealed class Pump : IThreadPoolWorkItem
    {
        private readonly DeliveryPump _owner;
        private readonly Lock _sync = new();
        private List<OutboundQueue> _waiting = [];
        private List<OutboundQueue> _spare = [];
        private bool _scheduled;
        private long _pauseUntil;
        private readonly Timer _resume;

        public Pump(DeliveryPump owner)
        {
            _owner = owner;
            _resume = new Timer(static pump => ThreadPool.UnsafeQueueUserWorkItem((Pump)pump!, preferLocal: false), this, Timeout.Infinite, Timeout.Infinite);
        }

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
                _pauseUntil = end + PauseTicks(end - start, t_drainedBytes - drainedBefore, served, Volatile.Read(ref _owner._maxPauseTicks));
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
