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

        ulong acknowledged = lastReceived, received;
        while (await requestStream.MoveNext(token))
        {
            member.Seen();
            LinkFrame frame = requestStream.Current;
            switch (frame.BodyCase)
            {
                case LinkFrame.BodyOneofCase.Messages:
                    received = Deliver(member, frame.Messages);
                    // Acknowledgements only let the sender trim its log, so one per many messages is enough; the
                    // heartbeat answer carries the rest.
                    if (received - acknowledged >= AckEvery)
                    {
                        acknowledged = received;
                        await responseStream.WriteAsync(new LinkFrame { MessageAck = new MessageAck { Sequence = acknowledged } }, token);
                    }
                    break;
                case LinkFrame.BodyOneofCase.InterestSnapshot:
                    _cluster.ReplaceRemoteInterest(member, frame.InterestSnapshot);
                    await responseStream.WriteAsync(new LinkFrame { InterestAck = new InterestAck { Version = frame.InterestSnapshot.Version } }, token);
                    break;
                case LinkFrame.BodyOneofCase.InterestChange:
                    _cluster.ApplyRemoteInterest(member, frame.InterestChange);
                    await responseStream.WriteAsync(new LinkFrame { InterestAck = new InterestAck { Version = frame.InterestChange.Version } }, token);
                    break;
                case LinkFrame.BodyOneofCase.Heartbeat:
                    await responseStream.WriteAsync(new LinkFrame { Heartbeat = new Heartbeat { SentUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() } }, token);
                    lock (member.ReceiveSync)
                    {
                        received = member.LastReceivedSequence;
                    }
                    if (received > acknowledged)
                    {
                        acknowledged = received;
                        await responseStream.WriteAsync(new LinkFrame { MessageAck = new MessageAck { Sequence = acknowledged } }, token);
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

    /// <summary>Delivers a batch in order, skipping what already arrived and counting what never will.</summary>
    private ulong Deliver(Member member, MessageBatch batch)
    {
        long bytes = 0;
        int delivered = 0;
        using WakeBatch.Scope wakes = WakeBatch.Begin();
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
