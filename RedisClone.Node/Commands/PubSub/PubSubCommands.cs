using RedisClone.Node.Clients;
using RedisClone.Node.PubSub;

namespace RedisClone.Node.Commands.PubSub;

/// <summary>Pub/sub: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB, with Redis's frames and counts.</summary>
internal static class PubSubCommands
{
    public static void Register(CommandBindings t)
    {
        t.Add("subscribe", Subscribe);
        t.Add("unsubscribe", Unsubscribe);
        t.Add("psubscribe", PSubscribe);
        t.Add("punsubscribe", PUnsubscribe);
        t.Add("ssubscribe", SSubscribe);
        t.Add("sunsubscribe", SUnsubscribe);
        t.Add("publish", Publish);
        t.Add("spublish", SPublish);
        t.AddContainer("pubsub");
        t.Add("pubsub|channels", c => Names(c, PubSubBroker.Kind.Channel));
        t.Add("pubsub|numsub", c => NumSub(c, PubSubBroker.Kind.Channel));
        t.Add("pubsub|numpat", c => c.Reply.WriteInteger(c.Server.PubSub.PatternCount));
        t.Add("pubsub|shardchannels", c => Names(c, PubSubBroker.Kind.Shard));
        t.Add("pubsub|shardnumsub", c => NumSub(c, PubSubBroker.Kind.Shard));
        t.Add("pubsub|help", Help);
    }

    private static void Subscribe(CommandContext c) => SubscribeAll(c, PubSubBroker.Kind.Channel, "subscribe"u8);

    private static void PSubscribe(CommandContext c) => SubscribeAll(c, PubSubBroker.Kind.Pattern, "psubscribe"u8);

    private static void SSubscribe(CommandContext c) => SubscribeAll(c, PubSubBroker.Kind.Shard, "ssubscribe"u8);

    private static void Unsubscribe(CommandContext c) => UnsubscribeAll(c, PubSubBroker.Kind.Channel, "unsubscribe"u8);

    private static void PUnsubscribe(CommandContext c) => UnsubscribeAll(c, PubSubBroker.Kind.Pattern, "punsubscribe"u8);

    private static void SUnsubscribe(CommandContext c) => UnsubscribeAll(c, PubSubBroker.Kind.Shard, "sunsubscribe"u8);

    /// <summary>Redis counts channels + patterns in a confirmation, but only shard channels for the S* kinds.</summary>
    private static int CountFor(ClientSession client, PubSubBroker.Kind kind) =>
        kind == PubSubBroker.Kind.Shard ? client.ShardChannelCount : client.ChannelCount + client.PatternCount;

    private static void SubscribeAll(CommandContext c, PubSubBroker.Kind kind, ReadOnlySpan<byte> frameKind)
    {
        for (int i = 1; i < c.Args.Count; i++)
        {
            c.Server.PubSub.Subscribe(c.Client, kind, c.Args.ToArray(i));
            WriteConfirmation(c, frameKind, c.Args[i], CountFor(c.Client, kind));
        }
    }

    private static void UnsubscribeAll(CommandContext c, PubSubBroker.Kind kind, ReadOnlySpan<byte> frameKind)
    {
        if (c.Args.Count > 1)
        {
            for (int i = 1; i < c.Args.Count; i++)
            {
                c.Server.PubSub.Unsubscribe(c.Client, kind, c.Args[i]);
                WriteConfirmation(c, frameKind, c.Args[i], CountFor(c.Client, kind));
            }
            return;
        }
        byte[][] current = c.Client.Subscriptions(kind, create: false)?.ToArray() ?? [];
        if (current.Length == 0)
        {
            // Nothing to leave: Redis still confirms once, with a null name.
            c.Reply.WritePushHeader(3);
            c.Reply.WriteBulk(frameKind);
            c.Reply.WriteNull();
            c.Reply.WriteInteger(CountFor(c.Client, kind));
            return;
        }
        foreach (byte[] name in current)
        {
            c.Server.PubSub.Unsubscribe(c.Client, kind, name);
            WriteConfirmation(c, frameKind, name, CountFor(c.Client, kind));
        }
    }

    private static void WriteConfirmation(CommandContext c, ReadOnlySpan<byte> frameKind, ReadOnlySpan<byte> name, int count)
    {
        c.Reply.WritePushHeader(3);
        c.Reply.WriteBulk(frameKind);
        c.Reply.WriteBulk(name);
        c.Reply.WriteInteger(count);
    }

    /// <summary>Delivers here, then to every peer with a matching subscriber; the reply counts this node's receivers, as in Redis Cluster.</summary>
    private static void Publish(CommandContext c)
    {
        c.Reply.WriteInteger(c.Server.PubSub.Publish(c.Args[1], c.Args[2], c.Client));
        c.Server.Cluster?.Forward(PubSubBroker.Kind.Channel, c.Args[1], c.Args[2]);
    }

    private static void SPublish(CommandContext c)
    {
        c.Reply.WriteInteger(c.Server.PubSub.ShardPublish(c.Args[1], c.Args[2], c.Client));
        c.Server.Cluster?.Forward(PubSubBroker.Kind.Shard, c.Args[1], c.Args[2]);
    }

    private static void Names(CommandContext c, PubSubBroker.Kind kind)
    {
        if (c.Args.Count > 3)
        {
            c.WrongArity();
            return;
        }
        List<byte[]> names = c.Server.PubSub.Names(kind, c.Args.Count == 3 ? c.Args[2] : [], filter: c.Args.Count == 3);
        c.Reply.WriteArrayHeader(names.Count);
        foreach (byte[] name in names)
        {
            c.Reply.WriteBulk(name);
        }
    }

    private static void NumSub(CommandContext c, PubSubBroker.Kind kind)
    {
        // A flat array of name, count pairs in argument order, also under RESP3 (as Redis replies).
        c.Reply.WriteArrayHeader((c.Args.Count - 2) * 2);
        for (int i = 2; i < c.Args.Count; i++)
        {
            c.Reply.WriteBulk(c.Args[i]);
            c.Reply.WriteInteger(c.Server.PubSub.SubscriberCount(kind, c.Args[i]));
        }
    }

    private static void Help(CommandContext c) => HelpText.Write(c, "PUBSUB",
        "CHANNELS [<pattern>]", "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT", "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]", "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]", "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]", "    Return the number of subscribers for the specified shard level channel(s)");
}
