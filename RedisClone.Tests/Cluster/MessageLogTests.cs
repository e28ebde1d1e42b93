using Google.Protobuf;
using RedisClone.Node.Cluster;
using RedisClone.Node.Cluster.Protocol;

namespace RedisClone.Tests.Cluster;

/// <summary>The per-peer log: what it keeps, what it counts as dropped or evicted, and the hole it names on a resume.</summary>
public class MessageLogTests
{
    private static readonly ByteString Channel = ByteString.CopyFromUtf8("c");

    private static void Append(MessageLog log, int payloadBytes = 1) =>
        log.Append(Message.Types.Kind.Publish, Channel, ByteString.CopyFrom(new byte[payloadBytes]), "", "");

    private static List<ulong> Take(MessageLog log, ulong after, int partBytes = PeerLink.PartBytes)
    {
        var batch = new MessageBatch();
        log.CopyAfter(after, batch, 512, 256 * 1024, partBytes);
        return [.. batch.Messages.Select(m => m.Sequence)];
    }

    [Fact]
    public void Messages_over_the_count_window_are_dropped_unsent_and_counted()
    {
        var log = new MessageLog(maxMessages: 100, maxBytes: 1 << 30, maxAgeMs: 60_000);
        for (int i = 0; i < 1000; i++)
        {
            Append(log);
        }
        Assert.Equal(100, log.Count);
        Assert.Equal(900, log.Dropped);
        Assert.Equal(0, log.Evicted);
        Assert.Equal((ulong)901, Take(log, 0)[0]);
    }

    [Fact]
    public void Messages_sent_then_pushed_out_before_acknowledgement_count_as_evicted_not_dropped()
    {
        var log = new MessageLog(maxMessages: 10, maxBytes: 1 << 30, maxAgeMs: 60_000);
        for (int i = 0; i < 10; i++)
        {
            Append(log);
        }
        Assert.Equal(10, Take(log, 0).Count);
        for (int i = 0; i < 10; i++)
        {
            Append(log);
        }
        Assert.Equal(10, log.Evicted);
        Assert.Equal(0, log.Dropped);
    }

    [Theory]
    [InlineData(1024 * 1024 - 64)] // just under the byte window
    [InlineData(1024 * 1024)]      // at it
    [InlineData(8 * 1024 * 1024)]  // far over it
    public void A_message_as_big_as_the_byte_window_or_bigger_is_kept_while_newest_so_it_is_still_sent(int payloadBytes)
    {
        var log = new MessageLog(maxMessages: 1000, maxBytes: 1024 * 1024, maxAgeMs: 60_000);
        Append(log, payloadBytes);
        Assert.Equal(0, log.Dropped);
        Assert.Equal([1UL], Take(log, 0));
        Append(log); // the window lets go of the big one, which its sender already holds
        Assert.Equal(0, log.Dropped);
        Assert.Equal([2UL], Take(log, 1));
    }

    [Fact]
    public void A_message_bigger_than_the_byte_window_is_not_dropped_when_others_arrive_before_it_is_sent()
    {
        var log = new MessageLog(maxMessages: 1000, maxBytes: 1024 * 1024, maxAgeMs: 60_000);
        Append(log, 8 * 1024 * 1024);
        Append(log);
        Append(log);
        Assert.Equal(0, log.Dropped);
        Assert.Equal([1UL], Take(log, 0));
        Assert.Equal([2UL, 3UL], Take(log, 1));
        Append(log); // now the big one, sent, leaves the window
        Assert.Equal(0, log.Dropped);
        Assert.Equal(1, log.Evicted);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Unsent_small_messages_are_not_pushed_out_by_a_message_bigger_than_the_window_arriving_behind_them(bool bigOneInFlight)
    {
        // The cluster lost the small messages published between two big ones on a healthy link this way.
        var log = new MessageLog(maxMessages: 1000, maxBytes: 1024 * 1024, maxAgeMs: 60_000);
        ulong sent = 0;
        if (bigOneInFlight)
        {
            Append(log, 1024 * 1024);
            Assert.Equal([1UL], Take(log, 0));
            sent = 1;
        }
        for (int i = 0; i < 9; i++)
        {
            Append(log);
        }
        Append(log, 8 * 1024 * 1024);
        Assert.Equal(0, log.Dropped);
        List<ulong> small = Take(log, sent);
        Assert.Equal(9, small.Count);
        Assert.Equal(sent + 1, small[0]);
        Assert.Equal([sent + 10], Take(log, small[^1]));
    }

    [Fact]
    public void Of_two_unsent_messages_bigger_than_the_window_the_older_is_dropped_and_counted_so_the_log_holds_the_window_plus_one()
    {
        var log = new MessageLog(maxMessages: 1000, maxBytes: 1024 * 1024, maxAgeMs: 60_000);
        Append(log, 2 * 1024 * 1024);
        Append(log);
        Append(log, 2 * 1024 * 1024);
        Assert.Equal(1, log.Dropped);
        Assert.Equal(2, log.Count);
        Assert.Equal([2UL], Take(log, 0));
        Assert.Equal([3UL], Take(log, 2));
    }

    [Fact]
    public void A_message_of_a_part_or_more_goes_alone_and_small_ones_around_it_are_batched()
    {
        var log = new MessageLog(maxMessages: 1000, maxBytes: 1 << 30, maxAgeMs: 60_000);
        Append(log);
        Append(log);
        Append(log, PeerLink.PartBytes);
        Append(log);
        Assert.Equal([1UL, 2UL], Take(log, 0));
        Assert.Equal([3UL], Take(log, 2));
        Assert.Equal([4UL], Take(log, 3));
    }

    [Fact]
    public void A_dead_peer_gets_numbers_but_no_copies_and_its_resume_names_the_hole()
    {
        var log = new MessageLog(maxMessages: 1000, maxBytes: 1 << 30, maxAgeMs: 60_000);
        for (int i = 0; i < 5; i++)
        {
            Append(log);
        }
        Assert.Equal(5, Take(log, 0).Count);
        log.Discard(); // 5 sent, none acknowledged
        Assert.Equal(5, log.Evicted);
        for (int i = 0; i < 7; i++)
        {
            Assert.True(log.TrySkip());
        }
        Append(log);
        Assert.Equal(0, log.Count);
        Assert.Equal(8, log.Dropped);

        // The peer had received 3 of the first five; 4..13 will never come.
        Assert.Equal(((ulong)4, (ulong)13), log.Resume(lastReceived: 3));
        Assert.False(log.Discarding);
        Assert.False(log.TrySkip());
        Append(log);
        Assert.Equal([14UL], Take(log, 13));
    }

    [Fact]
    public void A_resume_with_everything_still_in_the_log_names_no_hole_and_forgets_what_arrived()
    {
        var log = new MessageLog(maxMessages: 1000, maxBytes: 1 << 30, maxAgeMs: 60_000);
        for (int i = 0; i < 10; i++)
        {
            Append(log);
        }
        Assert.Null(log.Resume(lastReceived: 4));
        Assert.Equal(6, log.Count);
        Assert.Equal((ulong)4, log.Acknowledged);
    }

    [Fact]
    public void After_the_peer_restarts_numbering_starts_over_and_late_acknowledgements_of_its_previous_life_are_ignored()
    {
        var log = new MessageLog(maxMessages: 1000, maxBytes: 1 << 30, maxAgeMs: 60_000);
        int oldEpoch = log.Epoch;
        for (int i = 0; i < 10; i++)
        {
            Append(log);
        }
        log.Reset();
        Assert.Equal(10, log.Dropped);
        Append(log);
        Append(log);
        log.Acknowledge(2, oldEpoch);
        Assert.Equal(2, log.Count);
        log.Acknowledge(1, log.Epoch);
        Assert.Equal(1, log.Count);
    }

    [Fact]
    public void Age_trims_sent_messages_older_than_the_window()
    {
        var log = new MessageLog(maxMessages: 1000, maxBytes: 1 << 30, maxAgeMs: 0);
        Append(log);
        Assert.Equal([1UL], Take(log, 0));
        long start = Environment.TickCount64;
        SpinWait.SpinUntil(() => Environment.TickCount64 > start, TimeSpan.FromSeconds(5));
        Append(log);
        Assert.Equal(1, log.Evicted);
        Assert.Equal(0, log.Dropped);
    }

    [Fact]
    public void Messages_not_sent_yet_are_not_aged_out_so_a_long_transfer_ahead_of_them_loses_nothing()
    {
        var log = new MessageLog(maxMessages: 1000, maxBytes: 1 << 30, maxAgeMs: 0);
        for (int i = 0; i < 10; i++)
        {
            Append(log);
        }
        long start = Environment.TickCount64;
        SpinWait.SpinUntil(() => Environment.TickCount64 > start, TimeSpan.FromSeconds(5));
        Append(log);
        Assert.Equal(0, log.Dropped);
        Assert.Equal(11, Take(log, 0).Count);
    }
}
