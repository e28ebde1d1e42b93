using RedisClone.Node.Cluster.Protocol;

namespace RedisClone.Node.Cluster;

/// <summary>Members: who is out there, the links to them, and whether they are alive.</summary>
public sealed partial class ClusterNode
{
    private List<PeerLink> AllLinks()
    {
        lock (_routeLock)
        {
            return [.. _seedLinks, .. _members.Values.Select(m => m.Link).OfType<PeerLink>().Except(_seedLinks)];
        }
    }

    /// <summary>A link learned who is at the other end. Returns the member, or null when the link is not needed.</summary>
    public Member? OnLinkWelcomed(PeerLink link, NodeIdentity peer)
    {
        if (peer.Name == Name)
        {
            return null;
        }
        lock (_routeLock)
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
        lock (_routeLock)
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
            if (peer.Name == Name || string.IsNullOrEmpty(peer.GossipAddress))
            {
                continue;
            }
            Member member;
            lock (_routeLock)
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
        lock (_routeLock)
        {
            if (member.Link is null && !string.IsNullOrEmpty(member.Address) && Started)
            {
                link = new PeerLink(this, member.Address, _loggers.CreateLogger<PeerLink>());
                member.Link = link;
            }
        }
        link?.Start();
    }

    public Members AliveMembers()
    {
        var members = new Members();
        members.Alive.Add(Identity);
        lock (_routeLock)
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

    public IReadOnlyList<Member> MembersSnapshot()
    {
        lock (_routeLock)
        {
            return [.. _members.Values.OrderBy(m => m.Name, StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// The one place a member's state changes, from how long it has been silent. A peer found dead has its queue
    /// dropped (counted) and both links restarted, so when it returns it says how far it got and learns what it
    /// missed; its interest is kept, so messages for it are still numbered and the hole shows when it returns.
    /// A link that stopped moving with messages queued is reopened, to replay from the last acknowledgement.
    /// </summary>
    private void CheckLiveness()
    {
        long now = Environment.TickCount64;
        foreach (Member member in MembersSnapshot())
        {
            Guarded("liveness of " + member.Name, () => CheckMember(member, now));
        }
    }

    private void CheckMember(Member member, long now)
    {
        long silence = now - member.LastSeenTicks;
        MemberState state = silence > Settings.ClusterDeadMs ? MemberState.Dead
            : silence > Settings.ClusterSuspectMs ? MemberState.Suspect
            : MemberState.Alive;
        PeerLink? link = member.Link;
        if (state != member.State)
        {
            lock (_routeLock)
            {
                member.State = state;
            }
            LogStateChanged(member.Name, state.ToString().ToLowerInvariant(), silence);
            if (state == MemberState.Dead)
            {
                link?.Log.Discard();
                link?.Drop("peer dead");
                member.AbortInbound();
            }
        }
        // A peer busy with a big message is slow, not stuck: only a link that moved nothing for the dead time is.
        if (link is not null && state != MemberState.Dead && link.StalledFor(now) is long stalledMs && stalledMs > Settings.ClusterDeadMs)
        {
            CountStall(member.Name, link.Log.Count, stalledMs);
            link.Drop("stalled");
        }
    }

    private readonly TaskCompletionSource _formed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes once this node knows what every peer it can reach subscribes to (each seed answered and sent its
    /// interest), or after the suspect time. Until then client connections wait before their first command, so that a
    /// node that has just (re)started does not accept PUBLISHes it could only deliver to its own subscribers.
    /// </summary>
    public Task Formed => _formed.Task;

    private async Task FormAsync()
    {
        long started = Environment.TickCount64;
        long deadline = started + Settings.ClusterSuspectMs;
        try
        {
            bool formed;
            while (!(formed = IsFormed()) && Environment.TickCount64 < deadline)
            {
                await Task.Delay(10);
            }
            IReadOnlyList<Member> members = MembersSnapshot();
            int known = members.Count(m => m.InterestKnown);
            string how = formed ? "knows every reachable peer's subscriptions" : "stopped waiting for its peers";
            LogFormed(how, Environment.TickCount64 - started, known, members.Count);
        }
        catch (Exception ex)
        {
            CountFault("initial link-up", ex);
        }
        finally
        {
            _formed.TrySetResult();
        }
    }

    private bool IsFormed()
    {
        lock (_routeLock)
        {
            return _seedLinks.All(link => link.Member is not null || link.Redundant)
                && _members.Values.All(m => m.InterestKnown || m.State == MemberState.Dead);
        }
    }
}
