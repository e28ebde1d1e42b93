using RedisClone.Node.Storage;
using RedisClone.Node.Util;

namespace RedisClone.Node.Cluster;

/// <summary>What one peer's clients subscribe to, as the peer announced it: the routing table for that peer.</summary>
internal sealed class RemoteInterest
{
    private readonly HashSet<byte[]> _channels = new(ByteArrayComparer.Instance);
    private readonly HashSet<byte[]> _patterns = new(ByteArrayComparer.Instance);
    private readonly HashSet<byte[]> _shardChannels = new(ByteArrayComparer.Instance);

    /// <summary>Version of the peer's interest this table reflects; older changes are ignored.</summary>
    public ulong Version { get; private set; }

    public bool IsEmpty => _channels.Count == 0 && _patterns.Count == 0 && _shardChannels.Count == 0;

    public int Count => _channels.Count + _patterns.Count + _shardChannels.Count;

    public void Replace(ulong version, IEnumerable<byte[]> channels, IEnumerable<byte[]> patterns, IEnumerable<byte[]> shardChannels)
    {
        Clear();
        Version = version;
        _channels.UnionWith(channels);
        _patterns.UnionWith(patterns);
        _shardChannels.UnionWith(shardChannels);
    }

    public void Clear()
    {
        _channels.Clear();
        _patterns.Clear();
        _shardChannels.Clear();
        Version = 0;
    }

    /// <summary>Applies one change unless a newer snapshot already covers it.</summary>
    public void Apply(ulong version, PubSub.PubSubBroker.Kind kind, byte[] name, bool added)
    {
        if (version <= Version)
        {
            return;
        }
        Version = version;
        HashSet<byte[]> set = kind switch
        {
            PubSub.PubSubBroker.Kind.Channel => _channels,
            PubSub.PubSubBroker.Kind.Pattern => _patterns,
            _ => _shardChannels,
        };
        if (added)
        {
            set.Add(name);
        }
        else
        {
            set.Remove(name);
        }
    }

    /// <summary>True when a PUBLISH to <paramref name="channel"/> has a receiver there (a channel or a pattern).</summary>
    public bool WantsPublish(ReadOnlySpan<byte> channel)
    {
        if (_channels.Count > 0 && _channels.GetAlternateLookup<ReadOnlySpan<byte>>().Contains(channel))
        {
            return true;
        }
        foreach (byte[] pattern in _patterns)
        {
            if (GlobMatcher.IsMatch(pattern, channel))
            {
                return true;
            }
        }
        return false;
    }

    public bool WantsShardPublish(ReadOnlySpan<byte> channel) =>
        _shardChannels.Count > 0 && _shardChannels.GetAlternateLookup<ReadOnlySpan<byte>>().Contains(channel);
}
