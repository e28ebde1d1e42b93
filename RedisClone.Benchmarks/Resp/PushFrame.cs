namespace RedisClone.Benchmarks.Resp;

/// <summary>
/// One parsed frame as offsets into the buffer it was parsed from, so parsing allocates nothing. The text is the
/// channel for messages and subscribe confirmations, the pattern for psubscribe confirmations and the error text for
/// errors; <see cref="Count"/> is a confirmation's subscription count.
/// </summary>
public readonly record struct PushFrame(
    PushKind Kind, int Consumed, int TextStart, int TextLength, int PayloadStart, int PayloadLength, long Count)
{
    public static readonly PushFrame Incomplete = new(PushKind.Incomplete, 0, 0, 0, 0, 0, 0);

    public ReadOnlySpan<byte> Text(ReadOnlySpan<byte> buffer) => buffer.Slice(TextStart, TextLength);

    public ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> buffer) => buffer.Slice(PayloadStart, PayloadLength);
}
