namespace RedisClone.Node.Util;

/// <summary>64-bit arithmetic that reports overflow instead of wrapping (Redis refuses INCRBY and EXPIRE past the range).</summary>
internal static class Int64Math
{
    public static bool TryAdd(long a, long b, out long sum)
    {
        sum = unchecked(a + b);
        // Overflow happened when both operands have the same sign and the sum's sign differs from it.
        return ((a ^ sum) & (b ^ sum)) >= 0;
    }
}
