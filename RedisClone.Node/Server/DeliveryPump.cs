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
/// 1.3-1.5M -> 2.3-2.7M; p99 at a fixed 5,000 messages/s stayed where it was.
/// </remarks>
internal static class DeliveryPump
{
    private static readonly Pump[] Pumps = CreatePumps(Math.Max(1, Environment.ProcessorCount / 2));
    private static int s_next;

    /// <summary>A busy round's pause is this many times its length, so the pump spends at most a fifth of its time sending.</summary>
    private const long PauseFactor = 4;

    private static long s_maxPauseTicks = MicrosecondsToTicks(5000);

    /// <summary>The longest pause after a busy round (the pubsub-round-pause-max-us setting); 0: none.</summary>
    public static int MaxPauseMicroseconds
    {
        set => Volatile.Write(ref s_maxPauseTicks, MicrosecondsToTicks(value));
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
            lock (_sync)
            {
                round = _waiting;
                _waiting = _spare;
            }
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
                _pauseUntil = end + Math.Min(Volatile.Read(ref s_maxPauseTicks), PauseFactor * (end - start));
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
