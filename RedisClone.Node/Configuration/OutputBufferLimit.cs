namespace RedisClone.Node.Configuration;

/// <summary>One class of client-output-buffer-limit: hard bytes, soft bytes and soft seconds (0 = no limit).</summary>
internal sealed record OutputBufferLimit(long HardBytes, long SoftBytes, int SoftSeconds)
{
    public static readonly OutputBufferLimit PubSubDefault = new(32L * 1024 * 1024, 8L * 1024 * 1024, 60);
}
