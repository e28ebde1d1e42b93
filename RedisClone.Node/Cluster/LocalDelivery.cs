using System.Diagnostics;
using RedisClone.Node.Cluster.Protocol;
using RedisClone.Node.Observability;
using RedisClone.Node.PubSub;

namespace RedisClone.Node.Cluster;

/// <summary>Delivers peers' messages to this node's subscribers, in a Consumer span when the sender traced them.</summary>
internal sealed class LocalDelivery
{
    private readonly PubSubBroker _broker;
    private readonly LocalIdentity _self;

    public LocalDelivery(PubSubBroker broker, LocalIdentity self)
    {
        _broker = broker;
        _self = self;
    }

    public void Deliver(Message message, Member from)
    {
        Activity? span = null;
        if (message.Traceparent.Length > 0 && NodeTelemetry.Source.HasListeners()
            && ActivityContext.TryParse(message.Traceparent, message.Tracestate, isRemote: true, out ActivityContext parent))
        {
            span = NodeTelemetry.Source.StartActivity("PUBLISH deliver", ActivityKind.Consumer, parent);
            span?.SetTag("redisclone.node", _self.Name);
            span?.SetTag("redisclone.origin", from.Name);
        }
        int delivered = message.Kind == Message.Types.Kind.Spublish
            ? _broker.ShardPublish(message.Channel.Span, message.Payload.Span, null)
            : _broker.Publish(message.Channel.Span, message.Payload.Span, null);
        if (span is not null)
        {
            span.SetTag("redisclone.delivered", delivered);
            span.Dispose();
        }
    }
}
