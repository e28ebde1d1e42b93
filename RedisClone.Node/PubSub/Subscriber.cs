using RedisClone.Node.Delivery;
using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;

namespace RedisClone.Node.PubSub;

/// <summary>
/// What the broker knows of a client that subscribes: its subscriptions, the queue its frames wait in, its RESP version
/// and how to close it. The connection's other state is the client's own (<c>ClientSession</c> derives from this), so
/// pub/sub does not depend on the connection layer.
/// </summary>
internal abstract class Subscriber(long id, string remoteAddress)
{
    public long Id { get; } = id;

    public string RemoteAddress { get; } = remoteAddress;

    /// <summary>Where this client's replies are encoded; it also carries the RESP version HELLO chose.</summary>
    public RespWriter Reply { get; } = new();

    public int Protocol => Reply.Protocol;

    // Subscriptions, kept by the pub/sub broker under its lock; allocated on first use so idle clients stay small.
    private HashSet<byte[]>? _channels;
    private HashSet<byte[]>? _patterns;
    private HashSet<byte[]>? _shardChannels;

    public int ChannelCount => _channels?.Count ?? 0;
    public int PatternCount => _patterns?.Count ?? 0;
    public int ShardChannelCount => _shardChannels?.Count ?? 0;
    public int SubscriptionCount => ChannelCount + PatternCount + ShardChannelCount;

    public HashSet<byte[]>? Subscriptions(PubSubBroker.Kind kind, bool create) => kind switch
    {
        PubSubBroker.Kind.Channel => create ? _channels ??= new(ByteArrayComparer.Instance) : _channels,
        PubSubBroker.Kind.Pattern => create ? _patterns ??= new(ByteArrayComparer.Instance) : _patterns,
        _ => create ? _shardChannels ??= new(ByteArrayComparer.Instance) : _shardChannels,
    };

    /// <summary>Frames from publishers waiting for this client's read loop; created on the first subscription.</summary>
    public OutboundQueue? Outbound { get; set; }

    /// <summary>Wakes this client's read loop so it sends what <see cref="Outbound"/> holds.</summary>
    public Action Wake { get; set; } = static () => { };

    private Task? _barrier;

    /// <summary>Holds this client's next flush until the task completes (a SUBSCRIBE waiting for peers to route to us).</summary>
    public void AddBarrier(Task task)
    {
        if (!task.IsCompleted)
        {
            _barrier = _barrier is null ? task : Task.WhenAll(_barrier, task);
        }
    }

    public Task? TakeBarrier()
    {
        Task? barrier = _barrier;
        _barrier = null;
        return barrier;
    }

    /// <summary>Set once the client overran its output buffer limit and is being disconnected.</summary>
    public bool ClosingForOutputLimit { get; set; }

    /// <summary>Closes the client's connection once what it was sent is written.</summary>
    public abstract void Kill();
}
