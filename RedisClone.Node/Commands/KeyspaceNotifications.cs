using RedisClone.Node.Configuration;
using RedisClone.Node.PubSub;
using RedisClone.Node.Storage;

namespace RedisClone.Node.Commands;

/// <summary>How a command announces the key it changed (keyspace notifications, <see cref="KeyspaceNotifier"/>).</summary>
internal static class KeyspaceNotifications
{
    /// <summary>A command's notification about the key it changed, in the client's current database.</summary>
    public static void Notify(this CommandContext context, KeyspaceEventFlags type, string eventName, ReadOnlySpan<byte> key) =>
        context.Server.Notify(type, eventName, context.Client.DbIndex, key, context.Client);

    /// <summary>The same for a key of another database (MOVE, COPY ... DB).</summary>
    public static void Notify(this CommandContext context, KeyspaceEventFlags type, string eventName, Database db, ReadOnlySpan<byte> key) =>
        context.Server.Notify(type, eventName, db.Index, key, context.Client);
}
