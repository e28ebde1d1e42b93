namespace RedisClone.Node.Protocol;

/// <summary>Caps applied to everything a client sends, checked before any memory is committed for it.</summary>
internal sealed class RequestLimits
{
    /// <summary>Redis's PROTO_INLINE_MAX_SIZE: an inline line or a count line longer than this is refused.</summary>
    public const int InlineMaxSize = 64 * 1024;

    /// <summary>
    /// How far into an inline line or a multibulk count line Redis 7 finds its end when the line arrives at once: its
    /// first two reads of a client fill one 80 KB allocation (81,920 bytes less the 9-byte sds header and the final NUL)
    /// before it first looks beyond <see cref="InlineMaxSize"/>. A line whose end is within this many bytes is read
    /// whole (a 70 KB count line is an "invalid multibulk length"); one whose end is not is "too big". Measured on
    /// redis-server 7.0.15, a fresh connection, the line sent in one write.
    /// </summary>
    public const int LineScanLimit = 80 * 1024 - 10;

    /// <summary>The same for a bulk length line ("$..."), which Redis reads with a grown buffer: twice as far.</summary>
    public const int BulkLineScanLimit = 160 * 1024 - 10;

    /// <summary>Redis's unauthenticated caps, applied while a password is required and not yet given.</summary>
    public const int UnauthenticatedMaxArgs = 10;
    public const int UnauthenticatedMaxBulk = 16 * 1024;

    /// <summary>proto-max-bulk-len: the largest bulk string a client may send (default 512 MB).</summary>
    public long ProtoMaxBulkLen { get; set; } = 512L * 1024 * 1024;

    /// <summary>client-query-buffer-limit: the most a single unfinished command may occupy (default 1 GB).</summary>
    public long ClientQueryBufferLimit { get; set; } = 1024L * 1024 * 1024;
}
