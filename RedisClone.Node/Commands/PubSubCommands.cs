using RedisClone.Node.PubSub;
using RedisClone.Node.Server;

namespace RedisClone.Node.Commands;

/// <summary>Pub/sub: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB, with Redis's frames and counts.</summary>
public static class PubSubCommands
{
    private const CommandFlags Subscribing = CommandFlags.PubSub | CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale | CommandFlags.AllowedWhenSubscribed;
    private const CommandFlags Publishing = CommandFlags.PubSub | CommandFlags.Loading | CommandFlags.Stale | CommandFlags.Fast | CommandFlags.MayReplicate;

    public static void Register(CommandTable t)
    {
        t.Add(new("subscribe", -2, Subscribing, Subscribe, "@pubsub @slow", new("Listens for messages published to channels.", "2.0.0", "pubsub", "O(N) where N is the number of channels to subscribe to.", "channel:string...")));
        t.Add(new("unsubscribe", -1, Subscribing, Unsubscribe, "@pubsub @slow", new("Stops listening to messages posted to channels.", "2.0.0", "pubsub", "O(N) where N is the number of channels to unsubscribe.", "[channel:string...]")));
        t.Add(new("psubscribe", -2, Subscribing, PSubscribe, "@pubsub @slow", new("Listens for messages published to channels that match one or more patterns.", "2.0.0", "pubsub", "O(N) where N is the number of patterns to subscribe to.", "pattern:pattern...")));
        t.Add(new("punsubscribe", -1, Subscribing, PUnsubscribe, "@pubsub @slow", new("Stops listening to messages published to channels that match one or more patterns.", "2.0.0", "pubsub", "O(N) where N is the number of patterns to unsubscribe.", "[pattern:pattern...]")));
        t.Add(new("ssubscribe", -2, Subscribing, SSubscribe, "@pubsub @slow", new("Listens for messages published to shard channels.", "7.0.0", "pubsub", "O(N) where N is the number of shard channels to subscribe to.", "shardchannel:string...")) { FirstKey = 1, LastKey = -1, KeyStep = 1 });
        t.Add(new("sunsubscribe", -1, Subscribing, SUnsubscribe, "@pubsub @slow", new("Stops listening to messages posted to shard channels.", "7.0.0", "pubsub", "O(N) where N is the number of shard channels to unsubscribe.", "[shardchannel:string...]")) { FirstKey = 1, LastKey = -1, KeyStep = 1 });
        t.Add(new("publish", 3, Publishing, Publish, "@pubsub @fast", new("Posts a message to a channel.", "2.0.0", "pubsub", "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).", "channel:string message:string")));
        t.Add(new("spublish", 3, Publishing, SPublish, "@pubsub @fast", new("Post a message to a shard channel", "7.0.0", "pubsub", "O(N) where N is the number of clients subscribed to the receiving shard channel.", "shardchannel:string message:string")) { FirstKey = 1, LastKey = 1, KeyStep = 1 });
        const CommandFlags Introspect = CommandFlags.PubSub | CommandFlags.Loading | CommandFlags.Stale;
        t.Add(new CommandDefinition("pubsub", -2, CommandFlags.None, static _ => { }, "@slow", new("A container for Pub/Sub commands.", "2.8.0", "pubsub", "Depends on subcommand.")).WithSubcommands(
            new("channels", -2, Introspect, c => Names(c, PubSubBroker.Kind.Channel), "@pubsub @slow", new("Returns the active channels.", "2.8.0", "pubsub", "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)", "[pattern:pattern]")),
            new("numsub", -2, Introspect, c => NumSub(c, PubSubBroker.Kind.Channel), "@pubsub @slow", new("Returns a count of subscribers to channels.", "2.8.0", "pubsub", "O(N) for the NUMSUB subcommand, where N is the number of requested channels", "[channel:string...]")),
            new("numpat", 2, Introspect, c => c.Reply.WriteInteger(c.Server.PubSub.PatternCount), "@pubsub @slow", new("Returns a count of unique pattern subscriptions.", "2.8.0", "pubsub", "O(1)")),
            new("shardchannels", -2, Introspect, c => Names(c, PubSubBroker.Kind.Shard), "@pubsub @slow", new("Returns the active shard channels.", "7.0.0", "pubsub", "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).", "[pattern:pattern]")),
            new("shardnumsub", -2, Introspect, c => NumSub(c, PubSubBroker.Kind.Shard), "@pubsub @slow", new("Returns the count of subscribers of shard channels.", "7.0.0", "pubsub", "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels", "[shardchannel:string...]")),
            new("help", 2, CommandFlags.Loading | CommandFlags.Stale, Help, "@slow", new("Returns helpful text about the different subcommands.", "6.2.0", "pubsub", "O(1)"))));
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
