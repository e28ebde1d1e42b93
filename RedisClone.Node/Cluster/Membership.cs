using RedisClone.Node.Cluster.Protocol;

namespace RedisClone.Node.Cluster;

/// <summary>
/// Who is out there and the links to them: the seeds dialled at start, the members learned since (from their own
/// links and from member lists), their restarts and their states. <see cref="Sync"/> guards the member table and
/// each member's link, state and interest; routing holds it while it reads them.
/// </summary>
internal sealed partial class Membership
{
    private readonly LocalIdentity _self;
    private readonly Func<string, PeerLink> _openLink;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);
    private readonly List<PeerLink> _seedLinks = [];
    private bool _linking;

    /// <param name="openLink">Makes a (not yet started) link to a peer's address.</param>
    public Membership(LocalIdentity self, Func<string, PeerLink> openLink, ILogger logger)
    {
        _self = self;
        _openLink = openLink;
        _logger = logger;
    }

    public Lock Sync { get; } = new();

    /// <summary>The members, read only while holding <see cref="Sync"/>.</summary>
    public Dictionary<string, Member>.ValueCollection Locked => _members.Values;

    /// <summary>Links to members learned from now on are made (the node knows its own address).</summary>
    public void Open()
    {
        lock (Sync)
        {
            _linking = true;
        }
    }

    /// <summary>No more links are made (shutdown).</summary>
    public void Close()
    {
        lock (Sync)
        {
            _linking = false;
        }
    }

    /// <summary>Dials a seed address; who is there is learned when it answers.</summary>
    public void AddSeed(string address)
    {
        PeerLink link = _openLink(address);
        lock (Sync)
        {
            _seedLinks.Add(link);
        }
        link.Start();
    }

    public List<PeerLink> AllLinks()
    {
        lock (Sync)
        {
            return [.. _seedLinks, .. _members.Values.Select(m => m.Link).OfType<PeerLink>().Except(_seedLinks)];
        }
    }

    /// <summary>A link learned who is at the other end. Returns the member, or null when the link is not needed.</summary>
    public Member? OnLinkWelcomed(PeerLink link, NodeIdentity peer)
    {
        if (peer.Name == _self.Name)
        {
            return null;
        }
        lock (Sync)
        {
            Member member = GetOrAddMember(peer, fromItself: true, welcoming: link);
            if (member.Link is not null && member.Link != link)
            {
                return null; // already linked through another address
            }
            member.Link = link;
            return member;
        }
    }

    /// <summary>A peer opened its link to us: remember it, and make sure we have a link to it too.</summary>
    public Member OnInboundHello(NodeIdentity peer)
    {
        Member member;
        bool needsLink;
        lock (Sync)
        {
            member = GetOrAddMember(peer, fromItself: true, welcoming: null);
            needsLink = member.Link is null;
        }
        lock (member.ReceiveSync)
        {
            if (member.ReceiveIncarnation != peer.Incarnation)
            {
                member.ReceiveIncarnation = peer.Incarnation;
                member.LastReceivedSequence = 0;
            }
        }
        member.Seen();
        if (needsLink)
        {
            EnsureLink(member);
        }
        else
        {
            member.Link?.RetryNow();
        }
        return member;
    }

    /// <summary>Member lists from peers: start links to the ones we did not know.</summary>
    public void Learn(IEnumerable<NodeIdentity> alive)
    {
        foreach (NodeIdentity peer in alive)
        {
            if (peer.Name == _self.Name || string.IsNullOrEmpty(peer.GossipAddress))
            {
                continue;
            }
            Member member;
            lock (Sync)
            {
                member = GetOrAddMember(peer, fromItself: false, welcoming: null);
            }
            EnsureLink(member);
        }
    }

    /// <summary>
    /// Finds or adds the member. A different incarnation heard from the peer itself (<paramref name="fromItself"/>)
    /// is a restart even if its clock went back; heard second-hand, only a newer one is, so a stale member list
    /// cannot undo a restart.
    /// </summary>
    private Member GetOrAddMember(NodeIdentity peer, bool fromItself, PeerLink? welcoming)
    {
        if (!_members.TryGetValue(peer.Name, out Member? member))
        {
            member = new Member(peer.Name, peer.GossipAddress) { Incarnation = peer.Incarnation };
            _members[peer.Name] = member;
            LogMemberJoined(peer.Name, peer.GossipAddress);
            return member;
        }
        if (string.IsNullOrEmpty(member.Address) && !string.IsNullOrEmpty(peer.GossipAddress))
        {
            member.Address = peer.GossipAddress;
        }
        bool restarted = fromItself ? peer.Incarnation != member.Incarnation : peer.Incarnation > member.Incarnation;
        if (restarted)
        {
            // What we queued for its previous life has no subscribers left (counted as dropped), and it announces
            // its interest afresh. A link other than the one just welcomed by the new life is restarted.
            member.Incarnation = peer.Incarnation;
            member.Interest.Clear();
            member.InterestKnown = false;
            member.Link?.Log.Reset();
            if (member.Link is not null && member.Link != welcoming)
            {
                member.Link.Drop("peer restarted");
            }
            if (!string.IsNullOrEmpty(peer.GossipAddress))
            {
                member.Address = peer.GossipAddress;
            }
            LogMemberRestarted(peer.Name);
        }
        return member;
    }

    private void EnsureLink(Member member)
    {
        PeerLink? link = null;
        lock (Sync)
        {
            if (member.Link is null && !string.IsNullOrEmpty(member.Address) && _linking)
            {
                link = _openLink(member.Address);
                member.Link = link;
            }
        }
        link?.Start();
    }

    /// <summary>This node and every member not found dead: the list each link sends its peer.</summary>
    public Members AliveMembers()
    {
        var members = new Members();
        members.Alive.Add(_self.Identity);
        lock (Sync)
        {
            foreach (Member member in _members.Values)
            {
                if (member.State != MemberState.Dead)
                {
                    members.Alive.Add(member.Identity);
                }
            }
        }
        return members;
    }

    public IReadOnlyList<Member> Snapshot()
    {
        lock (Sync)
        {
            return [.. _members.Values.OrderBy(m => m.Name, StringComparer.Ordinal)];
        }
    }

    public void SetState(Member member, MemberState state)
    {
        lock (Sync)
        {
            member.State = state;
        }
    }

    /// <summary>Every seed answered (or led nowhere new), and every member not found dead announced its interest.</summary>
    public bool IsFormed()
    {
        lock (Sync)
        {
            return _seedLinks.All(link => link.Member is not null || link.Redundant)
                && _members.Values.All(m => m.InterestKnown || m.State == MemberState.Dead);
        }
    }

    [LoggerMessage(EventId = 3021, Level = LogLevel.Information, Message = "Peer {Name} joined at {Address}")]
    private partial void LogMemberJoined(string name, string address);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Information, Message = "Peer {Name} restarted (new incarnation)")]
    private partial void LogMemberRestarted(string name);
}
