using RedisClone.Node.Configuration;
using RedisClone.Node.Delivery;
using RedisClone.Node.Storage;
using RedisClone.Node.Util;

namespace RedisClone.Node.PubSub;

/// <summary>
/// The routing index of pub/sub: channel -> subscribers, pattern -> subscribers, shard channel -> subscribers.
/// A publish costs O(subscribers of the channel + distinct patterns): each pattern is matched once, however many
/// clients share it, and each frame is encoded once per protocol. Delivery hands the frame to each subscriber's
/// bounded <see cref="OutboundQueue"/> and never waits on a socket. Empty entries leave the index at once.
/// </summary>
internal sealed partial class PubSubBroker
{
    private readonly Lock _sync = new();
    private readonly Dictionary<byte[], HashSet<Subscriber>> _channels = new(ByteArrayComparer.Instance);
    private readonly Dictionary<byte[], HashSet<Subscriber>> _patterns = new(ByteArrayComparer.Instance);
    private readonly Dictionary<byte[], HashSet<Subscriber>> _shardChannels = new(ByteArrayComparer.Instance);
    private readonly ILogger _logger;

    internal PubSubBroker(ILogger logger, DeliveryPump delivery)
    {
        _logger = logger;
        Delivery = delivery;
    }

    /// <summary>The node's pump, which wakes the queues of this broker's subscribers and of MONITOR clients.</summary>
    internal DeliveryPump Delivery { get; }

    private ulong _interestVersion;

    /// <summary>Told when this node gains or loses an interest (the cluster announces it to peers).</summary>
    public IInterestListener? InterestListener { get; set; }

    /// <summary>client-output-buffer-limit for pub/sub clients (CONFIG SET changes it).</summary>
    public OutputBufferLimit Limit { get; set; } = OutputBufferLimit.PubSubDefault;

    public long MessagesPublished { get; private set; }
    public long MessagesDelivered { get; private set; }
    public long MessagesDropped { get; private set; }
    public long OutputLimitDisconnections { get; private set; }

    public int ChannelCount
    {
        get
        {
            lock (_sync)
            {
                return _channels.Count;
            }
        }
    }

    public int PatternCount
    {
        get
        {
            lock (_sync)
            {
                return _patterns.Count;
            }
        }
    }

    public int ShardChannelCount
    {
        get
        {
            lock (_sync)
            {
                return _shardChannels.Count;
            }
        }
    }

    public enum Kind
    {
        Channel,
        Pattern,
        Shard,
    }

    private Dictionary<byte[], HashSet<Subscriber>> IndexOf(Kind kind) => kind switch
    {
        Kind.Channel => _channels,
        Kind.Pattern => _patterns,
        _ => _shardChannels,
    };

    /// <summary>Adds a subscription; false when the client already had it.</summary>
    public bool Subscribe(Subscriber client, Kind kind, byte[] name)
    {
        lock (_sync)
        {
            if (!client.Subscriptions(kind, create: true)!.Add(name))
            {
                return false;
            }
            Dictionary<byte[], HashSet<Subscriber>> index = IndexOf(kind);
            if (!index.TryGetValue(name, out HashSet<Subscriber>? subscribers))
            {
                subscribers = [];
                index[name] = subscribers;
                if (InterestListener is { } listener)
                {
                    // The client hears "subscribed" only once every connected peer routes this name here.
                    client.AddBarrier(listener.InterestChanged(kind, name, added: true, ++_interestVersion));
                }
            }
            subscribers.Add(client);
            client.Outbound ??= new OutboundQueue(client.Wake, Delivery);
            return true;
        }
    }

    /// <summary>Removes a subscription; false when the client did not have it.</summary>
    public bool Unsubscribe(Subscriber client, Kind kind, ReadOnlySpan<byte> name)
    {
        lock (_sync)
        {
            HashSet<byte[]>? own = client.Subscriptions(kind, create: false);
            if (own is null || !own.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(name, out byte[]? stored))
            {
                return false;
            }
            own.Remove(stored);
            Dictionary<byte[], HashSet<Subscriber>> index = IndexOf(kind);
            if (index.TryGetValue(stored, out HashSet<Subscriber>? subscribers))
            {
                subscribers.Remove(client);
                if (subscribers.Count == 0)
                {
                    index.Remove(stored);
                    InterestListener?.InterestChanged(kind, stored, added: false, ++_interestVersion);
                }
            }
            return true;
        }
    }

    /// <summary>Drops every subscription of a client (disconnect, RESET).</summary>
    public void RemoveAll(Subscriber client)
    {
        foreach (Kind kind in new[] { Kind.Channel, Kind.Pattern, Kind.Shard })
        {
            HashSet<byte[]>? own = client.Subscriptions(kind, create: false);
            if (own is null)
            {
                continue;
            }
            foreach (byte[] name in own.ToArray())
            {
                Unsubscribe(client, kind, name);
            }
        }
    }

    /// <summary>
    /// Delivers a PUBLISH to this node's channel and pattern subscribers and returns how many received it.
    /// <paramref name="publisher"/> (when it is a subscriber itself) gets its frame written straight into its own
    /// reply stream, ahead of the PUBLISH reply, as Redis orders it.
    /// </summary>
    public int Publish(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> payload, Subscriber? publisher)
    {
        lock (_sync)
        {
            MessagesPublished++;
            int receivers = 0;
            if (_channels.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(channel, out HashSet<Subscriber>? subscribers))
            {
                var frames = new FramePair(MessageFrame.Message);
                foreach (Subscriber subscriber in subscribers)
                {
                    receivers += Deliver(subscriber, frames.For(subscriber.Protocol == 3, channel, payload), publisher);
                }
            }
            foreach ((byte[] pattern, HashSet<Subscriber> patternSubscribers) in _patterns)
            {
                if (!GlobMatcher.IsMatch(pattern, channel))
                {
                    continue;
                }
                byte[]? resp2 = null, resp3 = null;
                foreach (Subscriber subscriber in patternSubscribers)
                {
                    byte[] frame = subscriber.Protocol == 3
                        ? resp3 ??= MessageFrame.EncodePattern(true, pattern, channel, payload)
                        : resp2 ??= MessageFrame.EncodePattern(false, pattern, channel, payload);
                    receivers += Deliver(subscriber, frame, publisher);
                }
            }
            return receivers;
        }
    }

    /// <summary>Delivers an SPUBLISH to this node's shard-channel subscribers.</summary>
    public int ShardPublish(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> payload, Subscriber? publisher)
    {
        lock (_sync)
        {
            MessagesPublished++;
            if (!_shardChannels.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(channel, out HashSet<Subscriber>? subscribers))
            {
                return 0;
            }
            int receivers = 0;
            var frames = new FramePair(MessageFrame.ShardMessage);
            foreach (Subscriber subscriber in subscribers)
            {
                receivers += Deliver(subscriber, frames.For(subscriber.Protocol == 3, channel, payload), publisher);
            }
            return receivers;
        }
    }

    private int Deliver(Subscriber subscriber, byte[] frame, Subscriber? publisher)
    {
        if (subscriber == publisher)
        {
            subscriber.Reply.WriteRaw(frame);
            MessagesDelivered++;
            return 1;
        }
        if (subscriber.Outbound!.TryEnqueue(frame, Limit))
        {
            MessagesDelivered++;
            return 1;
        }
        // Counted as a receiver, as Redis counts a client it then disconnects; the frame is lost with the client.
        MessagesDropped++;
        DisconnectForOutputLimit(subscriber);
        return 1;
    }

    /// <summary>
    /// Disconnects a client whose <see cref="OutboundQueue"/> overran <see cref="Limit"/> (a subscriber or a monitor),
    /// once: counted in INFO stats and logged as Redis logs it.
    /// </summary>
    public void DisconnectForOutputLimit(Subscriber client)
    {
        if (client.ClosingForOutputLimit)
        {
            return;
        }
        client.Outbound?.Close();
        client.ClosingForOutputLimit = true;
        lock (_sync)
        {
            OutputLimitDisconnections++;
        }
        LogOutputLimit(client.Id, client.RemoteAddress);
        client.Kill();
    }

    /// <summary>The soft limit's timer half, run from the node's periodic task.</summary>
    public void EnforceSoftLimits(IEnumerable<Subscriber> clients)
    {
        foreach (Subscriber client in clients)
        {
            if (client.Outbound is { } queue && !client.ClosingForOutputLimit && queue.OverSoftLimitTooLong(Limit))
            {
                DisconnectForOutputLimit(client);
            }
        }
    }

    public int SubscriberCount(Kind kind, ReadOnlySpan<byte> name)
    {
        lock (_sync)
        {
            return IndexOf(kind).GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(name, out HashSet<Subscriber>? s) ? s.Count : 0;
        }
    }

    /// <summary>Names with at least one subscriber, optionally filtered by a glob pattern (PUBSUB CHANNELS).</summary>
    public List<byte[]> Names(Kind kind, ReadOnlySpan<byte> pattern, bool filter)
    {
        lock (_sync)
        {
            var names = new List<byte[]>();
            foreach (byte[] name in IndexOf(kind).Keys)
            {
                if (!filter || GlobMatcher.IsMatch(pattern, name))
                {
                    names.Add(name);
                }
            }
            return names;
        }
    }

    /// <summary>Everything this node subscribes to, with the version of that state, for a peer's fresh link.</summary>
    public (ulong Version, List<byte[]> Channels, List<byte[]> Patterns, List<byte[]> ShardChannels) InterestState()
    {
        lock (_sync)
        {
            return (_interestVersion, [.. _channels.Keys], [.. _patterns.Keys], [.. _shardChannels.Keys]);
        }
    }

    public void ResetStats()
    {
        lock (_sync)
        {
            MessagesPublished = 0;
            MessagesDelivered = 0;
            MessagesDropped = 0;
            OutputLimitDisconnections = 0;
        }
    }

    /// <summary>The two encodings of one message, each made at most once and only if a subscriber needs it.</summary>
    private ref struct FramePair(ReadOnlySpan<byte> kind)
    {
        private readonly ReadOnlySpan<byte> _kind = kind;
        private byte[]? _resp2;
        private byte[]? _resp3;

        public byte[] For(bool resp3, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> payload) => resp3
            ? _resp3 ??= MessageFrame.Encode(true, _kind, channel, payload)
            : _resp2 ??= MessageFrame.Encode(false, _kind, channel, payload);
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Client id={ClientId} addr={Address} closed for overcoming of output buffer limits.")]
    private partial void LogOutputLimit(long clientId, string address);
}
