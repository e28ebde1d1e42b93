namespace RedisClone.Node.Delivery;

/// <summary>
/// Collects the queues that became non-empty while one thread runs a batch (a pipeline of PUBLISH, a gossip batch)
/// and wakes each once at the end, so a subscriber drains and flushes the batch's messages together instead of one
/// by one. Outside a batch, queues wake at once.
/// </summary>
internal static class WakeBatch
{
    [ThreadStatic]
    private static PendingWakes? t_target;

    [ThreadStatic]
    private static PendingWakes? t_own;

    /// <summary>Collects until the scope ends, then wakes (joins the enclosing collection if there is one).</summary>
    public static Scope Begin()
    {
        PendingWakes? enclosing = t_target;
        if (enclosing is not null)
        {
            return new Scope(enclosing, wakeAtEnd: false);
        }
        t_target = t_own ??= new PendingWakes();
        return new Scope(null, wakeAtEnd: true);
    }

    /// <summary>
    /// Collects into <paramref name="target"/> until the scope ends, without waking: its owner wakes them when it
    /// is about to wait (a gossip link holds them while further batches are already received).
    /// </summary>
    public static Scope Into(PendingWakes target)
    {
        PendingWakes? enclosing = t_target;
        t_target = target;
        return new Scope(enclosing, wakeAtEnd: false);
    }

    internal static bool Defer(OutboundQueue queue)
    {
        if (t_target is not { } target)
        {
            return false;
        }
        target.Add(queue);
        return true;
    }

    public readonly struct Scope : IDisposable
    {
        private readonly PendingWakes? _restore;
        private readonly bool _wakeAtEnd;

        internal Scope(PendingWakes? restore, bool wakeAtEnd)
        {
            _restore = restore;
            _wakeAtEnd = wakeAtEnd;
        }

        public void Dispose()
        {
            PendingWakes? collected = t_target;
            t_target = _restore;
            if (_wakeAtEnd)
            {
                collected?.WakeAll();
            }
        }
    }
}
