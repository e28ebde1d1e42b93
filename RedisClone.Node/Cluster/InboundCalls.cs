namespace RedisClone.Node.Cluster;

/// <summary>
/// The calls peers have open to this node, remembered so that the fault switch and shutdown can end them. Calls are
/// accepted from <see cref="Open"/> (the node knows its own address) until <see cref="Close"/> (it shuts down), and
/// never while the fault switch is set.
/// </summary>
internal sealed class InboundCalls
{
    private readonly FaultSwitch _faultSwitch;
    private readonly HashSet<InboundLink> _open = [];
    private bool _accepting;

    public InboundCalls(FaultSwitch faultSwitch) => _faultSwitch = faultSwitch;

    public bool Accepting
    {
        get
        {
            lock (_open)
            {
                return _accepting;
            }
        }
    }

    public void Open()
    {
        lock (_open)
        {
            _accepting = true;
        }
    }

    /// <summary>No call opens after this returns, so ending the open ones afterwards ends them all.</summary>
    public void Close()
    {
        lock (_open)
        {
            _accepting = false;
        }
    }

    /// <summary>Remembers an inbound call; false when none may open now.</summary>
    public bool Register(InboundLink link)
    {
        lock (_open)
        {
            if (!_accepting || _faultSwitch.LinksCut)
            {
                return false;
            }
            _open.Add(link);
            return true;
        }
    }

    public void Unregister(InboundLink link)
    {
        lock (_open)
        {
            _open.Remove(link);
        }
    }

    /// <summary>Ends every call peers have open to this node.</summary>
    public void AbortAll()
    {
        InboundLink[] open;
        lock (_open)
        {
            open = [.. _open];
        }
        foreach (InboundLink link in open)
        {
            link.Abort();
        }
    }
}
