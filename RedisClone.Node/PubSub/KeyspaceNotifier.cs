using System.Buffers.Text;
using System.Text;
using RedisClone.Node.Configuration;

namespace RedisClone.Node.PubSub;

/// <summary>
/// Keyspace notifications (notify-keyspace-events): <c>__keyspace@&lt;db&gt;__:&lt;key&gt;</c> carrying the event name and
/// <c>__keyevent@&lt;db&gt;__:&lt;event&gt;</c> carrying the key, published through the ordinary broker.
/// </summary>
internal static class KeyspaceNotifier
{
    /// <summary>Publishes <paramref name="eventName"/> for <paramref name="key"/> if its class is enabled; nearly free when off.</summary>
    public static void Notify(PubSubBroker broker, KeyspaceEventFlags flags, KeyspaceEventFlags type, string eventName, int db, ReadOnlySpan<byte> key, Subscriber? current)
    {
        if ((flags & type) == 0 || (flags & (KeyspaceEventFlags.Keyspace | KeyspaceEventFlags.Keyevent)) == 0)
        {
            return;
        }
        byte[] eventBytes = Encoding.ASCII.GetBytes(eventName);
        if (flags.HasFlag(KeyspaceEventFlags.Keyspace))
        {
            broker.Publish(Channel("__keyspace@"u8, db, key), eventBytes, current);
        }
        if (flags.HasFlag(KeyspaceEventFlags.Keyevent))
        {
            broker.Publish(Channel("__keyevent@"u8, db, eventBytes), key, current);
        }
    }

    private static byte[] Channel(ReadOnlySpan<byte> prefix, int db, ReadOnlySpan<byte> suffix)
    {
        Span<byte> digits = stackalloc byte[12];
        Utf8Formatter.TryFormat(db, digits, out int length);
        byte[] channel = new byte[prefix.Length + length + 3 + suffix.Length];
        prefix.CopyTo(channel);
        digits[..length].CopyTo(channel.AsSpan(prefix.Length));
        "__:"u8.CopyTo(channel.AsSpan(prefix.Length + length));
        suffix.CopyTo(channel.AsSpan(prefix.Length + length + 3));
        return channel;
    }
}
