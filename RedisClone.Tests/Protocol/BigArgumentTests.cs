using System.Buffers;
using System.Text;
using RedisClone.Node.Connections;
using RedisClone.Node.Protocol;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Protocol;

/// <summary>
/// A bulk argument of 256 KB or more is received into an array of its own, which SET keeps as the value: the parser's
/// hand-off, the receiving buffer, and what a client sees over the wire at the sizes and splits where it could go wrong.
/// </summary>
public class BigArgumentTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private const int Threshold = (int)BigArgument.Threshold;

    private static byte[] Pattern(int length, int seed = 0)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)('a' + ((i * 7) + (i / 1000) + seed) % 26); // an offset error shows as a different byte
        }
        return bytes;
    }

    private static byte[] Frame(params byte[][] args)
    {
        var frame = new List<byte>(Encoding.ASCII.GetBytes($"*{args.Length}\r\n"));
        foreach (byte[] arg in args)
        {
            frame.AddRange(Encoding.ASCII.GetBytes($"${arg.Length}\r\n"));
            frame.AddRange(arg);
            frame.AddRange("\r\n"u8.ToArray());
        }
        return frame.ToArray();
    }

    private static byte[] Bulk(byte[] value) => [.. Encoding.ASCII.GetBytes($"${value.Length}\r\n"), .. value, .. "\r\n"u8.ToArray()];

    [Fact]
    public void The_parser_stops_inside_a_big_payload_and_goes_on_after_it_is_handed_back()
    {
        byte[] value = Pattern(Threshold);
        byte[] frame = Frame("SET"u8.ToArray(), "k"u8.ToArray(), value, "EX"u8.ToArray(), "100"u8.ToArray());
        int payloadAt = Encoding.ASCII.GetByteCount($"*5\r\n$3\r\nSET\r\n$1\r\nk\r\n${value.Length}\r\n");
        var parser = new RequestParser(new RequestLimits());
        var args = new CommandArguments();

        Assert.Equal(ParseResult.NeedMore, parser.TryParse(new ReadOnlySequence<byte>(frame, 0, payloadAt + 10), args, out _));
        Assert.Equal(value.Length, parser.PendingBulkLength);
        Assert.Equal(payloadAt, parser.PendingPayloadOffset);

        args.DetachFromInput();
        parser.CompleteBulk(args, value);
        byte[] rest = frame[(payloadAt + value.Length + 2)..];
        Assert.Equal(ParseResult.Command, parser.TryParse(new ReadOnlySequence<byte>(rest), args, out long consumed));
        Assert.Equal(rest.Length, consumed);
        Assert.Equal(5, args.Count);
        Assert.Equal("SET", Encoding.ASCII.GetString(args[0]));
        Assert.True(args.TryTakeWhole(2, out byte[] whole));
        Assert.Same(value, whole);
        Assert.False(args.TryTakeWhole(2, out _)); // taken once: the command owns it now
        Assert.False(args.TryTakeWhole(4, out _));
        Assert.Equal("100", Encoding.ASCII.GetString(args[4]));
    }

    [Fact]
    public void A_command_whose_last_argument_is_handed_back_is_whole_without_more_input()
    {
        byte[] value = Pattern(Threshold + 1);
        byte[] frame = Frame("SET"u8.ToArray(), "k"u8.ToArray(), value);
        var parser = new RequestParser(new RequestLimits());
        var args = new CommandArguments();
        Assert.Equal(ParseResult.NeedMore, parser.TryParse(new ReadOnlySequence<byte>(frame, 0, frame.Length - 3), args, out _));
        parser.CompleteBulk(args, value);
        Assert.Equal(ParseResult.Command, parser.TryParse(ReadOnlySequence<byte>.Empty, args, out long consumed));
        Assert.Equal(0, consumed);
        Assert.Equal(3, args.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(65_536)]
    [InlineData(1_000_003)]
    public void The_receiving_buffer_takes_the_payload_and_its_two_trailing_bytes_in_reads_of_any_size(int readSize)
    {
        byte[] value = Pattern(2 * 1024 * 1024 + 5);
        byte[] input = [.. value, .. "\r\n*1\r\n$4\r\nPING\r\n"u8.ToArray()];
        var big = new BigArgument(value.Length);
        int offset = 0;
        while (!big.Complete)
        {
            int size = Math.Min(readSize, input.Length - offset);
            offset += (int)big.Append(new ReadOnlySequence<byte>(input, offset, size));
        }
        Assert.Equal(value.Length + 2, offset); // nothing of the next command taken
        Assert.Equal(value, big.TakePayload());
    }

    [Fact]
    public void A_payload_not_yet_whole_cannot_be_taken()
    {
        var big = new BigArgument(Threshold);
        big.Append(new ReadOnlySequence<byte>(Pattern(Threshold)));
        Assert.False(big.Complete); // the CRLF has not come
        Assert.Throws<InvalidOperationException>(() => big.TakePayload());
    }

    [Theory]
    [InlineData(Threshold - 1)]
    [InlineData(Threshold)]
    [InlineData(Threshold + 1)]
    [InlineData(5 * 1024 * 1024)]
    public void A_big_value_split_anywhere_is_stored_whole_and_the_pipelined_commands_after_it_run(int length)
    {
        using RawClient client = node.Raw();
        byte[] value = Pattern(length, seed: length % 26);
        string key = $"bigarg:{length}";
        byte[] frame = Frame("SET"u8.ToArray(), Encoding.ASCII.GetBytes(key), value);
        int header = frame.Length - value.Length - 2;
        // Cuts inside the length line, at its end, one byte into the payload, mid payload, before and inside the CRLF.
        int[] cuts = [header - 3, header, header + 1, header + (length / 2), header + length, header + length + 1, frame.Length];
        int from = 0;
        foreach (int cut in cuts)
        {
            client.Send(frame[from..cut]);
            from = cut;
        }
        client.Send($"*2\r\n$6\r\nSTRLEN\r\n${key.Length}\r\n{key}\r\n*1\r\n$4\r\nPING\r\n");
        Assert.Equal("+OK\r\n", client.ReadReply());
        Assert.Equal($":{length}\r\n", client.ReadReply());
        Assert.Equal("+PONG\r\n", client.ReadReply());
        client.Command("GET", key);
        Assert.Equal(Bulk(value), client.ReadReplyBytes());
        Assert.Equal(":1\r\n", client.Call("DEL", key));
    }

    [Fact]
    public void Several_big_values_in_one_command_and_options_after_a_big_value_all_apply()
    {
        using RawClient client = node.Raw();
        byte[] first = Pattern(Threshold * 2, seed: 1);
        byte[] second = Pattern(Threshold * 3, seed: 2);
        client.Send(Frame("MSET"u8.ToArray(), "bigarg:m1"u8.ToArray(), first, "bigarg:m2"u8.ToArray(), second, "bigarg:m3"u8.ToArray(), "small"u8.ToArray()));
        Assert.Equal("+OK\r\n", client.ReadReply());
        client.Send(Frame("SET"u8.ToArray(), "bigarg:m1"u8.ToArray(), second, "EX"u8.ToArray(), "1000"u8.ToArray(), "GET"u8.ToArray()));
        Assert.Equal(Bulk(first), client.ReadReplyBytes());
        client.Command("GET", "bigarg:m1");
        Assert.Equal(Bulk(second), client.ReadReplyBytes());
        // EX 1000 applied: TTL rounds the time left, so a loaded machine that took over half a second since shows 999.
        Assert.InRange(long.Parse(client.Call("TTL", "bigarg:m1").TrimStart(':').TrimEnd(), System.Globalization.CultureInfo.InvariantCulture), 990, 1000);
        client.Command("GET", "bigarg:m2");
        Assert.Equal(Bulk(second), client.ReadReplyBytes());
        Assert.Equal("$5\r\nsmall\r\n", client.Call("GET", "bigarg:m3"));
        Assert.Equal(":3\r\n", client.Call("DEL", "bigarg:m1", "bigarg:m2", "bigarg:m3"));
    }

    [Fact]
    public void A_big_value_after_many_small_arguments_is_stored_whole()
    {
        // The small pairs alone pass 256 KB, so the command is first collected outside the transport's buffer.
        using RawClient client = node.Raw();
        var args = new List<byte[]> { "MSET"u8.ToArray() };
        for (int i = 0; i < 3000; i++)
        {
            args.Add(Encoding.ASCII.GetBytes($"bigarg:s{i}"));
            args.Add(Pattern(100, seed: i));
        }
        byte[] big = Pattern(3 * Threshold, seed: 5);
        args.Add("bigarg:last"u8.ToArray());
        args.Add(big);
        byte[] frame = Frame([.. args]);
        for (int offset = 0; offset < frame.Length; offset += 100_000)
        {
            client.Send(frame[offset..Math.Min(frame.Length, offset + 100_000)]);
        }
        Assert.Equal("+OK\r\n", client.ReadReply());
        client.Command("GET", "bigarg:last");
        Assert.Equal(Bulk(big), client.ReadReplyBytes());
        client.Command("GET", "bigarg:s2999");
        Assert.Equal(Bulk(Pattern(100, seed: 2999)), client.ReadReplyBytes());
        Assert.Equal(":1\r\n", client.Call("DEL", "bigarg:last"));
    }

    [Fact]
    public void A_big_value_queued_in_a_transaction_is_stored_by_exec()
    {
        using RawClient client = node.Raw();
        byte[] value = Pattern(Threshold + 100, seed: 9);
        Assert.Equal("+OK\r\n", client.Call("MULTI"));
        client.Send(Frame("SET"u8.ToArray(), "bigarg:tx"u8.ToArray(), value));
        Assert.Equal("+QUEUED\r\n", client.ReadReply());
        Assert.Equal("*1\r\n+OK\r\n", client.Call("EXEC"));
        client.Command("GET", "bigarg:tx");
        Assert.Equal(Bulk(value), client.ReadReplyBytes());
        Assert.Equal(":1\r\n", client.Call("DEL", "bigarg:tx"));
    }

    [Fact]
    public void A_client_that_declares_a_huge_value_and_goes_away_costs_nothing_after()
    {
        using RawClient watcher = node.Raw();
        using (RawClient client = node.Raw())
        {
            string id = client.Call("CLIENT", "ID").Trim(':', '\r', '\n');
            client.Send("*3\r\n$3\r\nSET\r\n$12\r\nbigarg:ghost\r\n$500000000\r\n");
            client.Send(Pattern(300_000));
            // CLIENT LIST shows what it sent, not what it declared.
            DateTime deadline = DateTime.UtcNow.AddSeconds(10);
            long qbuf = 0;
            while (qbuf < 300_000 && DateTime.UtcNow < deadline)
            {
                string line = watcher.Call("CLIENT", "LIST", "ID", id);
                string field = line.Split(' ').First(f => f.StartsWith("qbuf=", StringComparison.Ordinal));
                qbuf = long.Parse(field[5..], System.Globalization.CultureInfo.InvariantCulture);
            }
            Assert.InRange(qbuf, 300_000, 310_000);
        }
        Assert.Equal("+PONG\r\n", watcher.Call("PING"));
        Assert.Equal(":0\r\n", watcher.Call("EXISTS", "bigarg:ghost"));
    }
}

/// <summary>A big value against the smallest query buffer limit Redis allows (1 MB): under it stored, over it closed.</summary>
public sealed class BigArgumentLimitTests
{
    [Fact]
    public async Task A_big_value_under_the_query_buffer_limit_is_stored_and_one_over_it_closes_the_client()
    {
        var node = new NodeFixture("--client-query-buffer-limit", "1mb");
        await node.InitializeAsync();
        try
        {
            using RawClient good = node.Raw();
            string under = new('u', (1024 * 1024) - (64 * 1024));
            Assert.Equal("+OK\r\n", good.Call("SET", "limit:under", under));
            Assert.Equal($":{under.Length}\r\n", good.Call("STRLEN", "limit:under"));

            using RawClient bad = node.Raw();
            bad.Send("*3\r\n$3\r\nSET\r\n$10\r\nlimit:over\r\n$2000000\r\n");
            try
            {
                bad.Send(new byte[1024 * 1024 + (64 * 1024)]);
            }
            catch (IOException)
            {
                // The node may close the connection while these bytes are still being written: that is the point.
            }
            Assert.True(bad.WaitForClose());
            Assert.Equal("", bad.Unread);
            Assert.Equal(":0\r\n", good.Call("EXISTS", "limit:over"));
            Assert.Equal("+PONG\r\n", good.Call("PING"));
        }
        finally
        {
            await node.DisposeAsync();
        }
    }
}
