namespace RedisClone.Node.Cluster;

/// <summary>
/// One call a peer has open to this node. The gossip service's call owns it: creates it, reads its token, disposes
/// it when the call ends. Anyone else (liveness, the fault switch, shutdown) may only <see cref="Abort"/> it, which
/// is safe at any time, before or after the call ended: no other code can touch a disposed source.
/// </summary>
internal sealed class InboundLink : IDisposable
{
    private readonly CancellationTokenSource _cancel;
    private readonly Lock _sync = new();
    private bool _ended;
    private bool _cancelling;

    public InboundLink(string peer, CancellationToken callToken)
    {
        Peer = peer;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(callToken);
    }

    public string Peer { get; }

    /// <summary>Cancelled when the call ends or is aborted; read by the owning call only.</summary>
    public CancellationToken Token => _cancel.Token;

    public bool Ended
    {
        get
        {
            lock (_sync)
            {
                return _ended;
            }
        }
    }

    /// <summary>Ends the call (the peer reconnects by itself); a no-op once the call has ended.</summary>
    public void Abort()
    {
        lock (_sync)
        {
            if (_ended || _cancelling)
            {
                return;
            }
            _cancelling = true;
        }
        bool disposeNow;
        try
        {
            _cancel.Cancel();
        }
        finally
        {
            // Cancel can run the call's own continuation inline, which may end the call and dispose this link: the
            // source is then disposed here, after Cancel returned, never under it.
            lock (_sync)
            {
                _cancelling = false;
                disposeNow = _ended;
            }
        }
        if (disposeNow)
        {
            _cancel.Dispose();
        }
    }

    public void Dispose()
    {
        lock (_sync)
        {
            if (_ended)
            {
                return;
            }
            _ended = true;
            if (_cancelling)
            {
                return; // Abort disposes when its Cancel returns
            }
        }
        _cancel.Dispose();
    }
}
