using System.Diagnostics;
using Google.Protobuf;
using RedisClone.Node.Cluster.Protocol;
using RedisClone.Node.Observability;
using RedisClone.Node.PubSub;

namespace RedisClone.Node.Cluster;

/// <summary>
/// Peers' interest, as they announce it, and the PUBLISHes it routes: a message goes only to peers whose channels,
/// patterns or shard channels match.
/// </summary>
internal sealed class InterestRouter
{
    private readonly Membership _members;
    private readonly LocalIdentity _self;

    public InterestRouter(Membership members, LocalIdentity self)
    {
        _members = members;
        _self = self;
    }

    public void ReplaceRemoteInterest(Member member, InterestSnapshot snapshot)
    {
        lock (_members.Sync)
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
        lock (_members.Sync)
        {
            member.Interest.Apply(change.Version, kind, change.Name.ToByteArray(), change.Added);
        }
    }

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
        lock (_members.Sync)
        {
            foreach (Member member in _members.Locked)
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
                        span?.SetTag("redisclone.node", _self.Name);
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
}
