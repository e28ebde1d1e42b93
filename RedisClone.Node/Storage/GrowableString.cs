namespace RedisClone.Node.Storage;

/// <summary>
/// A string value being grown by APPEND or SETRANGE, with room to spare as Redis's sds keeps it, so that growing a value
/// piece by piece costs amortized O(total length) instead of a copy of the whole value per piece (40 APPENDs of 10 MB
/// copied 8 GB). Only those two commands see it: any other access first trims it to an exact byte[]
/// (<see cref="Database.ReadValueAt"/>), once, so every other command keeps working on plain arrays and the spare
/// room lasts only while the value is being grown.
/// </summary>
internal sealed class GrowableString
{
    /// <summary>Below this a buffer doubles, as sds does below SDS_MAX_PREALLOC (1 MB); above, it grows by half.</summary>
    public const int DoublingLimit = 1024 * 1024;

    private GrowableString(byte[] buffer, int length)
    {
        Buffer = buffer;
        Length = length;
    }

    /// <summary>The bytes; those at <see cref="Length"/> and beyond are zero (a string never shrinks in place).</summary>
    public byte[] Buffer { get; private set; }

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);

    public int Capacity => Buffer.Length;

    /// <summary>Takes an exact value over for growing (its bytes are not copied until it grows).</summary>
    public static GrowableString From(byte[] value) => new(value, value.Length);

    /// <summary>The capacity for <paramref name="needed"/> bytes: double below 1 MB, one and a half times above.</summary>
    public static int CapacityFor(long needed)
    {
        long grown = needed < DoublingLimit ? needed * 2 : needed + needed / 2;
        return (int)Math.Min(Math.Max(grown, needed), Array.MaxLength);
    }

    /// <summary>Appends <paramref name="suffix"/>; the caller has checked the total against proto-max-bulk-len.</summary>
    public void Append(ReadOnlySpan<byte> suffix)
    {
        EnsureLength(Length + (long)suffix.Length);
        suffix.CopyTo(Buffer.AsSpan(Length));
        Length += suffix.Length;
    }

    /// <summary>Writes <paramref name="patch"/> at <paramref name="offset"/>, zero-filling any gap (SETRANGE).</summary>
    public void WriteAt(long offset, ReadOnlySpan<byte> patch)
    {
        long end = offset + patch.Length;
        EnsureLength(end);
        patch.CopyTo(Buffer.AsSpan((int)offset));
        Length = (int)Math.Max(Length, end);
    }

    /// <summary>An exact array of the value (the buffer itself when it has no spare room).</summary>
    public byte[] ToExact() => Buffer.Length == Length ? Buffer : Span.ToArray();

    private void EnsureLength(long needed)
    {
        if (needed <= Buffer.Length)
        {
            return;
        }
        var grown = new byte[CapacityFor(needed)];
        Span.CopyTo(grown);
        Buffer = grown;
    }
}
