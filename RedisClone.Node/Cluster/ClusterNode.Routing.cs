using System.Diagnostics;
using Google.Protobuf;
using RedisClone.Node.Cluster.Protocol;
using RedisClone.Node.PubSub;
using RedisClone.Node.Server;

namespace RedisClone.Node.Cluster;

/// <summary>Routing: this node's interest announced to peers, theirs used to forward, and peers' messages delivered here.</summary>
public sealed partial class ClusterNode
{
    public InterestSnapshot LocalInterestSnapshot()
    {
        (ulong version, List<byte[]> channels, List<byte[]> patterns, List<byte[]> shardChannels) = _server.PubSub.InterestState();
        var snapshot = new InterestSnapshot { Version = version };
        snapshot.Channels.AddRange(channels.Select(ByteString.CopyFrom));
        snapshot.Patterns.AddRange(patterns.Select(ByteString.CopyFrom));
        snapshot.ShardChannels.AddRange(shardChannels.Select(ByteString.CopyFrom));
        return snapshot;
    }

    /// <summary>Called by the broker (under its lock) when this node gains or loses an interest.</summary>
    public Task InterestChanged(PubSubBroker.Kind kind, byte[] name, bool added, ulong version)
    {
        var change = new InterestChange
        {
            Version = version,
            Kind = kind switch
            {
                PubSubBroker.Kind.Channel => InterestChange.Types.Kind.Channel,
                PubSubBroker.Kind.Pattern => InterestChange.Types.Kind.Pattern,
                _ => InterestChange.Types.Kind.ShardChannel,
            },
            Name = ByteString.CopyFrom(name),
            Added = added,
        };
        List<Task>? acks = null;
        foreach (PeerLink link in AllLinks())
        {
            if (link.Member is null)
            {
                continue;
            }
            Task ack = link.SendInterestChange(change);
            if (!ack.IsCompleted)
            {
                (acks ??= []).Add(ack);
            }
        }
        if (acks is null || !added)
        {
            return Task.CompletedTask; // losing interest needs no wait: extra messages are simply not delivered
        }
        // A peer that does not answer within the suspect time is not "connected" any more.
        return Task.WhenAny(Task.WhenAll(acks), Task.Delay(Settings.ClusterSuspectMs));
    }

    public void ReplaceRemoteInterest(Member member, InterestSnapshot snapshot)
    {
        lock (_routeLock)
        {
            member.Interest.Replace(snapshot.Version,
                snapshot.Channels.Select(c => c.ToByteArray()),
                snapshot.Patterns.Select(p => p.ToByteArray()),
                snapshot.ShardChannels.Select(s => s.ToByteArray()));
            member.InterestKnown = true;
        }
    }

    public void ApplyRemoteInterest(Member member, InterestChange change)
    {
        PubSubBroker.Kind kind = change.Kind switch
        {
            InterestChange.Types.Kind.Channel => PubSubBroker.Kind.Channel,
            InterestChange.Types.Kind.Pattern => PubSubBroker.Kind.Pattern,
            _ => PubSubBroker.Kind.Shard,
        };
        lock (_routeLock)
        {
            member.Interest.Apply(change.Version, kind, change.Name.ToByteArray(), change.Added);
        }
    }

    // ---- Messages. ----

    /// <summary>
    /// Sends a PUBLISH or SPUBLISH accepted here to every peer with a matching subscriber; never waits. When the
    /// PUBLISH is traced, a Producer span covers the hand-over and its context travels inside each message.
    /// </summary>
    public void Forward(PubSubBroker.Kind kind, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> payload)
    {
        ByteString? channelBytes = null, payloadBytes = null;
        Activity? span = null;
        string traceParent = "", traceState = "";
        int peers = 0;
        lock (_routeLock)
        {
            foreach (Member member in _members.Values)
            {
                if (member.Link is null || member.Interest.IsEmpty)
                {
                    continue;
                }
                bool wanted = kind == PubSubBroker.Kind.Shard ? member.Interest.WantsShardPublish(channel) : member.Interest.WantsPublish(channel);
                if (!wanted || (member.Link.Log.Discarding && member.Link.Log.TrySkip()))
                {
                    continue; // a dead peer's message is numbered and counted as dropped, never copied
                }
                if (channelBytes is null)
                {
                    channelBytes = ByteString.CopyFrom(channel);
                    payloadBytes = ByteString.CopyFrom(payload);
                    if (Activity.Current is not null && NodeTelemetry.Source.HasListeners())
                    {
                        span = NodeTelemetry.Source.StartActivity("PUBLISH forward", ActivityKind.Producer);
                        span?.SetTag("redisclone.node", Name);
                    }
                    (traceParent, traceState) = NodeTelemetry.CurrentContext();
                }
                member.Link.Enqueue(kind == PubSubBroker.Kind.Shard ? Message.Types.Kind.Spublish : Message.Types.Kind.Publish, channelBytes, payloadBytes!, traceParent, traceState);
                peers++;
            }
        }
        if (span is not null)
        {
            span.SetTag("redisclone.peers", peers);
            span.Dispose();
        }
    }

    /// <summary>Delivers a peer's message to this node's subscribers, in a Consumer span when the sender traced it.</summary>
    public void DeliverLocally(Message message, Member from)
    {
        Activity? span = null;
        if (message.Traceparent.Length > 0 && NodeTelemetry.Source.HasListeners()
            && ActivityContext.TryParse(message.Traceparent, message.Tracestate, isRemote: true, out ActivityContext parent))
        {
            span = NodeTelemetry.Source.StartActivity("PUBLISH deliver", ActivityKind.Consumer, parent);
            span?.SetTag("redisclone.node", Name);
            span?.SetTag("redisclone.origin", from.Name);
        }
        int delivered = message.Kind == Message.Types.Kind.Spublish
            ? _server.PubSub.ShardPublish(message.Channel.Span, message.Payload.Span, null)
            : _server.PubSub.Publish(message.Channel.Span, message.Payload.Span, null);
        if (span is not null)
        {
            span.SetTag("redisclone.delivered", delivered);
            span.Dispose();
        }
    }
}
