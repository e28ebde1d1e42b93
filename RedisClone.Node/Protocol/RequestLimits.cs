namespace RedisClone.Node.Protocol;

/// <summary>Caps applied to everything a client sends, checked before any memory is committed for it.</summary>
public sealed class RequestLimits
{
    /// <summary>Redis's PROTO_INLINE_MAX_SIZE: an inline line or a count line longer than this is refused.</summary>
    public const int InlineMaxSize = 64 * 1024;

    /// <summary>Redis's unauthenticated caps, applied while a password is required and not yet given.</summary>
    public const int UnauthenticatedMaxArgs = 10;
    public const int UnauthenticatedMaxBulk = 16 * 1024;

    /// <summary>proto-max-bulk-len: the largest bulk string a client may send (default 512 MB).</summary>
    public long ProtoMaxBulkLen { get; set; } = 512L * 1024 * 1024;

    /// <summary>client-query-buffer-limit: the most a single unfinished command may occupy (default 1 GB).</summary>
    public long ClientQueryBufferLimit { get; set; } = 1024L * 1024 * 1024;
}
