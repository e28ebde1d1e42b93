using RedisClone.Node.Cluster.Protocol;

namespace RedisClone.Node.Cluster;

internal enum MemberState
{
    Alive,
    Suspect,
    Dead,
}

/// <summary>What this node knows of one peer: identity, liveness, its interest, both links' traffic.</summary>
internal sealed class Member
{
    public Member(string name, string address)
    {
        Name = name;
        Address = address;
    }

    public string Name { get; }
    public string Address { get; set; }
    public ulong Incarnation { get; set; }
    /// <summary>Written by the cluster's liveness check only; everything else reads it.</summary>
    public MemberState State { get; set; } = MemberState.Alive;
    public long LastSeenTicks { get; set; } = Environment.TickCount64;

    /// <summary>The link this node opened to the peer (carries this node's messages to it).</summary>
    public PeerLink? Link { get; set; }

    private InboundLink? _inbound;

    /// <summary>The peer's current call to us; a newer call replaces (and ends) an older one still registered.</summary>
    public void AttachInbound(InboundLink link) => Interlocked.Exchange(ref _inbound, link)?.Abort();

    /// <summary>Called by the call that owns <paramref name="link"/> as it ends; leaves a newer call in place.</summary>
    public void DetachInbound(InboundLink link) => Interlocked.CompareExchange(ref _inbound, null, link);

    /// <summary>Ends the peer's current call to us, if any; safe whatever state that call is in.</summary>
    public void AbortInbound() => Volatile.Read(ref _inbound)?.Abort();

    /// <summary>True once the peer's interest snapshot arrived (for its current incarnation).</summary>
    public bool InterestKnown { get; set; }

    /// <summary>The peer's announced interest: which messages to send it. Guarded by the cluster's routing lock.</summary>
    public RemoteInterest Interest { get; } = new();

    /// <summary>Highest sequence received from the peer's current incarnation, and gaps seen (messages that never came).</summary>
    public Lock ReceiveSync { get; } = new();
    public ulong LastReceivedSequence { get; set; }
    public ulong ReceiveIncarnation { get; set; }
    public long ReplayGaps { get; set; }

    // Traffic counters for INFO and metrics; Interlocked since several links and loops update them.
    private long _messagesIn;
    private long _bytesIn;
    private long _messagesOut;
    private long _bytesOut;

    public long MessagesIn => Interlocked.Read(ref _messagesIn);
    public long BytesIn => Interlocked.Read(ref _bytesIn);
    public long MessagesOut => Interlocked.Read(ref _messagesOut);
    public long BytesOut => Interlocked.Read(ref _bytesOut);

    public void CountIn(long messages, long bytes)
    {
        Interlocked.Add(ref _messagesIn, messages);
        Interlocked.Add(ref _bytesIn, bytes);
    }

    public void CountOut(long messages, long bytes)
    {
        Interlocked.Add(ref _messagesOut, messages);
        Interlocked.Add(ref _bytesOut, bytes);
    }

    public void Seen() => LastSeenTicks = Environment.TickCount64;

    public NodeIdentity Identity => new() { Name = Name, Incarnation = Incarnation, GossipAddress = Address };
}
