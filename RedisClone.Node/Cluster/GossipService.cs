using Grpc.Core;
using Microsoft.Extensions.Logging;
using RedisClone.Node.Cluster.Protocol;
using RedisClone.Node.PubSub;
using RedisClone.Node.Server;

namespace RedisClone.Node.Cluster;

/// <summary>
/// The receiving end of a peer's link: learns who the peer is, tells it how far its messages got, applies its
/// interest (acknowledging each change once routing uses it) and delivers its messages to local subscribers.
/// </summary>
public sealed partial class GossipService : Gossip.GossipBase
{
    private const ulong AckEvery = 64;
    private const int MaxHeldMessages = 1024;

    private readonly ClusterNode _cluster;
    private readonly ILogger<GossipService> _logger;

    public GossipService(ClusterNode cluster, ILogger<GossipService> logger)
    {
        _cluster = cluster;
        _logger = logger;
    }

    public override async Task Link(IAsyncStreamReader<LinkFrame> requestStream, IServerStreamWriter<LinkFrame> responseStream, ServerCallContext context)
    {
        try
        {
            await ServeLink(requestStream, responseStream, context);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The peer went away or reset its stream, the fault switch cut the link, the peer was declared dead or
            // this node is shutting down: an ordinary end of a link, not an error to log.
        }
    }

    private async Task ServeLink(IAsyncStreamReader<LinkFrame> requestStream, IServerStreamWriter<LinkFrame> responseStream, ServerCallContext context)
    {
        if (!_cluster.IsAuthorized(context.RequestHeaders))
        {
            _cluster.CountRejectedCall();
            LogRejected(context.Peer);
            throw new RpcException(new Status(StatusCode.PermissionDenied, "wrong or missing cluster key"));
        }
        if (!_cluster.Started || _cluster.LinksCut)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "links are cut"));
        }
        using CancellationTokenSource cancel = _cluster.RegisterInbound(context.CancellationToken);
        CancellationToken token = cancel.Token;

        if (!await requestStream.MoveNext(token) || requestStream.Current.BodyCase != LinkFrame.BodyOneofCase.Hello)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "a link starts with hello"));
        }
        NodeIdentity from = requestStream.Current.Hello.From;
        if (from.Name == _cluster.Name)
        {
            // A seed list that names this node itself: answer so the caller can tell, then end.
            await responseStream.WriteAsync(new LinkFrame { Welcome = new Welcome { From = _cluster.Identity } }, token);
            return;
        }
        Member member = _cluster.OnInboundHello(from);
        member.InboundCancel = cancel;
        ulong lastReceived;
        lock (member.ReceiveSync)
        {
            lastReceived = member.LastReceivedSequence;
        }
        await responseStream.WriteAsync(new LinkFrame { Welcome = new Welcome { From = _cluster.Identity, LastReceivedSequence = lastReceived } }, token);

        // Subscribers are woken when this loop is about to wait, not after every batch: while the peer's batches are
        // already here, their messages collect in each subscriber's queue and go out in one send (as Redis writes
        // to its clients once per event-loop turn). MaxHeldMessages bounds what one wake can be held back by.
        var held = new PendingWakes();
        int heldMessages = 0;
        try
        {
            ulong acknowledged = lastReceived, received;
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
                            received = Deliver(member, frame.Messages);
                        }
                        heldMessages += frame.Messages.Messages.Count;
                        // Acknowledgements only let the sender trim its log, so one per many messages is enough; the
                        // heartbeat answer carries the rest.
                        if (received - acknowledged >= AckEvery)
                        {
                            acknowledged = received;
                            await Answer(new LinkFrame { MessageAck = new MessageAck { Sequence = acknowledged } });
                        }
                        break;
                    case LinkFrame.BodyOneofCase.InterestSnapshot:
                        _cluster.ReplaceRemoteInterest(member, frame.InterestSnapshot);
                        await Answer(new LinkFrame { InterestAck = new InterestAck { Version = frame.InterestSnapshot.Version } });
                        break;
                    case LinkFrame.BodyOneofCase.InterestChange:
                        _cluster.ApplyRemoteInterest(member, frame.InterestChange);
                        await Answer(new LinkFrame { InterestAck = new InterestAck { Version = frame.InterestChange.Version } });
                        break;
                    case LinkFrame.BodyOneofCase.Heartbeat:
                        await Answer(new LinkFrame { Heartbeat = new Heartbeat { SentUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() } });
                        lock (member.ReceiveSync)
                        {
                            received = member.LastReceivedSequence;
                        }
                        if (received > acknowledged)
                        {
                            acknowledged = received;
                            await Answer(new LinkFrame { MessageAck = new MessageAck { Sequence = acknowledged } });
                        }
                        break;
                    case LinkFrame.BodyOneofCase.Members:
                        _cluster.Learn(frame.Members.Alive);
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

    /// <summary>Delivers a batch in order, skipping what already arrived and counting what never will.</summary>
    private ulong Deliver(Member member, MessageBatch batch)
    {
        long bytes = 0;
        int delivered = 0;
        lock (member.ReceiveSync)
        {
            foreach (Message message in batch.Messages)
            {
                if (message.Sequence <= member.LastReceivedSequence)
                {
                    continue; // a replay overlapping what arrived before the link dropped
                }
                ulong missing = message.Sequence - member.LastReceivedSequence - 1;
                if (missing > 0)
                {
                    member.ReplayGaps += (long)missing;
                    _cluster.CountGap(member, missing);
                    LogGap(member.Name, missing, member.LastReceivedSequence + 1, message.Sequence - 1);
                }
                member.LastReceivedSequence = message.Sequence;
                _cluster.DeliverLocally(message, member);
                delivered++;
                bytes += message.Channel.Length + message.Payload.Length;
            }
        }
        member.CountIn(delivered, bytes);
        return member.LastReceivedSequence;
    }

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Gossip call from {Peer} rejected: wrong or missing cluster key")]
    private partial void LogRejected(string peer);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Messages from {Peer} lost beyond the replay window: {Count} (sequences {First} to {Last})")]
    private partial void LogGap(string peer, ulong count, ulong first, ulong last);
}
