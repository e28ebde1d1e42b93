using RedisClone.Node.Delivery;

namespace RedisClone.Tests.PubSub;

/// <summary>
/// The pause rule behind pubsub-round-pause-max-us: only a backlogged round (subscribers several KB behind) earns the
/// long pause, so a paced stream's latency keeps the short one.
/// </summary>
public class RoundPauseRuleTests
{
    private const long Max = 20_000;

    [Fact]
    public void A_light_round_pauses_four_times_its_length_at_most_a_quarter_of_the_longest_pause()
    {
        Assert.Equal(400, DeliveryPump.PauseTicks(roundTicks: 100, bytesSent: 300 * 100, subscribersServed: 300, Max));
        Assert.Equal(Max / 4, DeliveryPump.PauseTicks(roundTicks: 4_000, bytesSent: 300 * 100, subscribersServed: 300, Max));
    }

    [Fact]
    public void A_backlogged_round_pauses_eight_times_its_length_at_most_the_longest_pause()
    {
        long backlogged = 300 * DeliveryPump.BackloggedBytesPerSubscriber;
        Assert.Equal(800, DeliveryPump.PauseTicks(roundTicks: 100, bytesSent: backlogged, subscribersServed: 300, Max));
        Assert.Equal(Max, DeliveryPump.PauseTicks(roundTicks: 4_000, bytesSent: backlogged, subscribersServed: 300, Max));
        Assert.Equal(Max / 4, DeliveryPump.PauseTicks(roundTicks: 4_000, bytesSent: backlogged - 1, subscribersServed: 300, Max));
    }

    [Fact]
    public void A_zero_setting_never_pauses_and_an_empty_round_counts_as_light()
    {
        Assert.Equal(0, DeliveryPump.PauseTicks(roundTicks: 4_000, bytesSent: 1_000_000, subscribersServed: 10, maxPauseTicks: 0));
        Assert.Equal(0, DeliveryPump.PauseTicks(roundTicks: 4_000, bytesSent: 0, subscribersServed: 0, maxPauseTicks: 0));
        Assert.Equal(Max / 4, DeliveryPump.PauseTicks(roundTicks: 4_000, bytesSent: 0, subscribersServed: 0, Max));
    }
}
