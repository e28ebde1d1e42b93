using Grpc.Core;
using RedisClone.Node.Cluster.Protocol;
using RedisClone.Node.Configuration;
using RedisClone.Node.Delivery;

namespace RedisClone.Node.Cluster;

/// <summary>
/// The receiving end of a peer's link: learns who the peer is, tells it how far its messages got, applies its
/// interest (acknowledging each change once routing uses it), reassembles messages sent in parts, and delivers its
/// messages to local subscribers in sequence, counting every hole.
/// </summary>
internal sealed partial class GossipService : Gossip.GossipBase
{
    private const ulong AckEvery = 64;
    private const int MaxHeldMessages = 1024;

    private readonly ClusterKey _key;
    private readonly FaultCounters _faults;
    private readonly InboundCalls _inbound;
    private readonly LocalIdentity _self;
    private readonly Membership _members;
    private readonly InterestRouter _router;
    private readonly LocalDelivery _delivery;
    private readonly NodeSettings _settings;
    private readonly ILogger<GossipService> _logger;

    public GossipService(ClusterNode cluster, ILogger<GossipService> logger)
    {
        _key = cluster.Key;
        _faults = cluster.FaultCounters;
        _inbound = cluster.Inbound;
        _self = cluster.Self;
        _members = cluster.Members;
        _router = cluster.Router;
        _delivery = cluster.Delivery;
        _settings = cluster.Settings;
        _logger = logger;
    }

    public override async Task Link(IAsyncStreamReader<LinkFrame> requestStream, IServerStreamWriter<LinkFrame> responseStream, ServerCallContext context)
    {
        if (!_key.IsAuthorized(context.RequestHeaders))
        {
            if (_faults.CountRejectedCall(RemoteHost(context.Peer)))
            {
                LogRejected(context.Peer);
            }
            throw new RpcException(new Status(StatusCode.PermissionDenied, "wrong or missing cluster key"));
        }
        using var link = new InboundLink(context.Peer, context.CancellationToken);
        if (!_inbound.Register(link))
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "links are cut or the node is stopping"));
        }
        Member? member = null;
        try
        {
            member = await Hello(requestStream, responseStream, link);
            if (member is not null)
            {
                await Serve(requestStream, responseStream, member, link.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException || link.Token.IsCancellationRequested)
        {
            // The peer went away or reset its stream, the fault switch cut the link, the peer was declared dead or
            // this node is shutting down: an ordinary end of a link, not an error to log.
        }
        catch (RpcException)
        {
            throw; // a protocol refusal, told to the peer as a status
        }
        catch (PeerProtocolException ex)
        {
            LogBrokenStream(member?.Name ?? context.Peer, ex.Message);
            throw new RpcException(new Status(StatusCode.InvalidArgument, ex.Message));
        }
        catch (Exception ex)
        {
            _faults.CountFault("link from " + (member?.Name ?? context.Peer), ex);
            throw new RpcException(new Status(StatusCode.Internal, "the receiving node failed; reconnect"));
        }
        finally
        {
            member?.DetachInbound(link);
            _inbound.Unregister(link);
        }
    }

    /// <summary>Reads the peer's Hello and answers with how far its messages got; null when the peer is this node.</summary>
    private async Task<Member?> Hello(IAsyncStreamReader<LinkFrame> requestStream, IServerStreamWriter<LinkFrame> responseStream, InboundLink link)
    {
        CancellationToken token = link.Token;
        if (!await requestStream.MoveNext(token) || requestStream.Current.BodyCase != LinkFrame.BodyOneofCase.Hello)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "a link starts with hello"));
        }
        NodeIdentity from = requestStream.Current.Hello.From;
        if (from.Name == _self.Name)
        {
            // A seed list that names this node itself: answer so the caller can tell, then end.
            await responseStream.WriteAsync(new LinkFrame { Welcome = new Welcome { From = _self.Identity } }, token);
            return null;
        }
        Member member = _members.OnInboundHello(from);
        member.AttachInbound(link);
        ulong lastReceived;
        lock (member.ReceiveSync)
        {
            lastReceived = member.LastReceivedSequence;
        }
        await responseStream.WriteAsync(new LinkFrame { Welcome = new Welcome { From = _self.Identity, LastReceivedSequence = lastReceived } }, token);
        return member;
    }

    private async Task Serve(IAsyncStreamReader<LinkFrame> requestStream, IServerStreamWriter<LinkFrame> responseStream, Member member, CancellationToken token)
    {
        ulong acknowledged;
        lock (member.ReceiveSync)
        {
            acknowledged = member.LastReceivedSequence;
        }
        var parts = new PartAssembly(_settings.ProtoMaxBulkLen);

        // Subscribers are woken when this loop is about to wait, not after every batch: while the peer's batches are
        // already here, their messages collect in each subscriber's queue and go out in one send (as Redis writes
        // to its clients once per event-loop turn). MaxHeldMessages bounds what one wake can be held back by.
        var held = new PendingWakes();
        int heldMessages = 0;
        try
        {
            while (true)
            {
                Task<bool> next = requestStream.MoveNext(token);
                if (!next.IsCompleted || heldMessages >= MaxHeldMessages)
                {
                    held.WakeAll();
                    heldMessages = 0;
                }
                if (!await next)
                {
                    break;
                }
                member.Seen();
                LinkFrame frame = requestStream.Current;
                switch (frame.BodyCase)
                {
                    case LinkFrame.BodyOneofCase.Messages:
                        using (WakeBatch.Into(held))
                        {
                            Deliver(member, frame.Messages.Messages);
                        }
                        heldMessages += frame.Messages.Messages.Count;
                        await AcknowledgeIfDue();
                        break;
                    case LinkFrame.BodyOneofCase.MessagePart:
                        if (parts.Add(frame.MessagePart) is { } whole)
                        {
                            using (WakeBatch.Into(held))
                            {
                                Deliver(member, [whole]);
                            }
                            heldMessages++;
                            await AcknowledgeIfDue();
                        }
                        else if (parts.Refused is { } refused)
                        {
                            SkipRefused(member, refused);
                        }
                        break;
                    case LinkFrame.BodyOneofCase.MessageGap:
                        CountAnnouncedGap(member, frame.MessageGap);
                        break;
                    case LinkFrame.BodyOneofCase.InterestSnapshot:
                        _router.ReplaceRemoteInterest(member, frame.InterestSnapshot);
                        await Answer(new LinkFrame { InterestAck = new InterestAck { Version = frame.InterestSnapshot.Version } });
                        break;
                    case LinkFrame.BodyOneofCase.InterestChange:
                        _router.ApplyRemoteInterest(member, frame.InterestChange);
                        await Answer(new LinkFrame { InterestAck = new InterestAck { Version = frame.InterestChange.Version } });
                        break;
                    case LinkFrame.BodyOneofCase.Heartbeat:
                        await Answer(new LinkFrame { Heartbeat = new Heartbeat { SentUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() } });
                        await AcknowledgeIfDue(always: true);
                        break;
                    case LinkFrame.BodyOneofCase.Members:
                        _members.Learn(frame.Members.Alive);
                        break;
                    default:
                        throw new RpcException(new Status(StatusCode.InvalidArgument, $"unexpected {frame.BodyCase}"));
                }
            }
        }
        finally
        {
            held.WakeAll();
        }

        // Acknowledgements only let the sender trim its log, so one per many messages is enough; the heartbeat
        // answer carries the rest.
        async Task AcknowledgeIfDue(bool always = false)
        {
            ulong received;
            lock (member.ReceiveSync)
            {
                received = member.LastReceivedSequence;
            }
            if (received > acknowledged && (always || received - acknowledged >= AckEvery))
            {
                acknowledged = received;
                await Answer(new LinkFrame { MessageAck = new MessageAck { Sequence = acknowledged } });
            }
        }

        Task Answer(LinkFrame answer)
        {
            Task write = responseStream.WriteAsync(answer, token);
            if (!write.IsCompleted)
            {
                held.WakeAll(); // a write that waits must not hold the subscribers back
                heldMessages = 0;
            }
            return write;
        }
    }

    /// <summary>Delivers messages in order, skipping what already arrived and counting what never will.</summary>
    private void Deliver(Member member, IEnumerable<Message> messages)
    {
        long bytes = 0;
        int delivered = 0;
        lock (member.ReceiveSync)
        {
            foreach (Message message in messages)
            {
                if (message.Sequence <= member.LastReceivedSequence)
                {
                    continue; // a replay overlapping what arrived before the link dropped
                }
                CountMissingBefore(member, message.Sequence);
                member.LastReceivedSequence = message.Sequence;
                _delivery.Deliver(message, member);
                delivered++;
                bytes += message.Channel.Length + message.Payload.Length;
            }
        }
        member.CountIn(delivered, bytes);
    }

    /// <summary>The sender said sequences first..last will never come (gone from its log): count them now.</summary>
    private void CountAnnouncedGap(Member member, MessageGap gap)
    {
        lock (member.ReceiveSync)
        {
            if (gap.Last > member.LastReceivedSequence && gap.First <= gap.Last)
            {
                CountMissingBefore(member, gap.Last + 1);
                member.LastReceivedSequence = gap.Last;
            }
        }
    }

    /// <summary>A message too big for this node's proto-max-bulk-len: not delivered, counted like any other hole.</summary>
    private void SkipRefused(Member member, ulong sequence)
    {
        lock (member.ReceiveSync)
        {
            if (sequence > member.LastReceivedSequence)
            {
                CountMissingBefore(member, sequence + 1);
                member.LastReceivedSequence = sequence;
            }
        }
    }

    // Caller holds member.ReceiveSync.
    private void CountMissingBefore(Member member, ulong sequence)
    {
        ulong missing = sequence - member.LastReceivedSequence - 1;
        if (missing > 0)
        {
            member.ReplayGaps += (long)missing;
            _faults.CountGap(missing);
            LogGap(member.Name, missing, member.LastReceivedSequence + 1, sequence - 1);
        }
    }

    /// <summary>"ipv4:127.0.0.1:51234" -> "ipv4:127.0.0.1": a peer retrying from new ports is still one peer.</summary>
    private static string RemoteHost(string peer)
    {
        int colon = peer.LastIndexOf(':');
        return colon > 0 ? peer[..colon] : peer;
    }

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning, Message = "Gossip link from {Peer} broke the protocol: {Error}; it will reconnect")]
    private partial void LogBrokenStream(string peer, string error);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Gossip call from {Peer} rejected: wrong or missing cluster key (logged once per host; gossip_rejected_calls counts them all)")]
    private partial void LogRejected(string peer);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Messages from {Peer} lost: {Count} (sequences {First} to {Last}) never arrived")]
    private partial void LogGap(string peer, ulong count, ulong first, ulong last);
}
