namespace RedisClone.Benchmarks.PubSub;

public enum Arrival
{
    /// <summary>Later than everything seen so far from this publisher (a gap before it is a loss until filled).</summary>
    InOrder,

    /// <summary>First arrival, but after a later message of the same publisher.</summary>
    OutOfOrder,

    /// <summary>Seen before.</summary>
    Duplicate,

    /// <summary>Not meant for this subscriber: another channel's message, or not a payload of this run.</summary>
    Unexpected,
}

/// <summary>
/// Ordering state of one (publisher, subscriber) pair: one past the highest message index seen and a 64-bit window of
/// which of the 64 indexes below that arrived, so a late message and a duplicate can be told apart without a set per
/// pair. Indexes count only the messages this subscriber should get from this publisher: 0, 1, 2, ... The default
/// value is the state before the first message.
/// </summary>
public struct DeliveryOrder
{
    private const int WindowBits = 64;

    private long _next;
    private ulong _window;

    public Arrival Record(long index)
    {
        if (index >= _next)
        {
            long shift = index - _next + 1;
            _window = shift >= WindowBits ? 1UL : (_window << (int)shift) | 1UL;
            _next = index + 1;
            return Arrival.InOrder;
        }
        long behind = _next - 1 - index;
        if (behind >= WindowBits)
        {
            // Too far back to remember: counted as late, which it is whether or not it is also a duplicate.
            return Arrival.OutOfOrder;
        }
        ulong bit = 1UL << (int)behind;
        if ((_window & bit) != 0)
        {
            return Arrival.Duplicate;
        }
        _window |= bit;
        return Arrival.OutOfOrder;
    }
}
