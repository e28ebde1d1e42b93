namespace RedisClone.Benchmarks.Resp;

/// <summary>Counts a publisher's replies: PUBLISH answers one line (":receivers" or "-error"), never an aggregate.</summary>
public static class ReplyScanner
{
    /// <summary>Counts the complete reply lines at the start of <paramref name="data"/>; returns the bytes they use.</summary>
    public static int Scan(ReadOnlySpan<byte> data, out int replies, out int errors)
    {
        replies = 0;
        errors = 0;
        int consumed = 0;
        while (consumed < data.Length)
        {
            ReadOnlySpan<byte> rest = data[consumed..];
            byte type = rest[0];
            if (type is not ((byte)':' or (byte)'-' or (byte)'+'))
            {
                throw new InvalidDataException($"unexpected reply type 0x{type:x2} to PUBLISH");
            }
            int lineEnd = rest.IndexOf((byte)'\n');
            if (lineEnd < 0)
            {
                break;
            }
            replies++;
            if (type == (byte)'-')
            {
                errors++;
            }
            consumed += lineEnd + 1;
        }
        return consumed;
    }
}
