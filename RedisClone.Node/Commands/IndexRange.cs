namespace RedisClone.Node.Commands;

/// <summary>
/// Redis's reading of a start and an end index over a sequence (LRANGE, LTRIM, ZRANGE by rank, ZREMRANGEBYRANK): a
/// negative index counts from the end, the start is clamped to the first element and the end to the last.
/// </summary>
internal static class IndexRange
{
    /// <summary>The range as indexes <paramref name="first"/>..<paramref name="last"/> within [0, length); false when it holds no element.</summary>
    public static bool TryClamp(long start, long end, long length, out long first, out long last)
    {
        if (start < 0)
        {
            start += length;
        }
        if (end < 0)
        {
            end += length;
        }
        first = Math.Max(start, 0);
        last = Math.Min(end, length - 1);
        return first <= end && first < length;
    }
}
