namespace RedisClone.Node.Storage;

/// <summary>
/// Redis's dictScan cursor over a power-of-two bucket array: the bits under the mask are incremented from the top, so
/// a scan that began before the array grew or shrank still visits every element that was present throughout.
/// </summary>
internal static class ScanCursor
{
    /// <summary>The cursor of the bucket after the one <paramref name="cursor"/> names (0 when the scan is done).</summary>
    public static ulong Next(ulong cursor, ulong mask)
    {
        cursor |= ~mask;
        cursor = ReverseBits(cursor);
        cursor++;
        return ReverseBits(cursor);
    }

    private static ulong ReverseBits(ulong v)
    {
        v = ((v >> 1) & 0x5555555555555555UL) | ((v & 0x5555555555555555UL) << 1);
        v = ((v >> 2) & 0x3333333333333333UL) | ((v & 0x3333333333333333UL) << 2);
        v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FUL) | ((v & 0x0F0F0F0F0F0F0F0FUL) << 4);
        return System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v);
    }
}
