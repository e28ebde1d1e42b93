using System.Buffers;
using System.Text;
using RedisClone.Node.Protocol;

namespace RedisClone.Tests.Protocol;

public class RequestParserTests
{
    private static readonly string[] Frames =
    [
        "*1\r\n$4\r\nPING\r\n",
        "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n",
        "*2\r\n$3\r\nGET\r\n$0\r\n\r\n",
        "*2\r\n$4\r\nECHO\r\n$4\r\n\r\n\r\n\r\n",
        "PING\r\n",
        "SET k \"hello world\"\n",
        "SET k 'it\\'s'\r\n",
        "ECHO \"\\x41\\n\"\r\n",
    ];

    private static readonly string[][] Expected =
    [
        ["PING"],
        ["SET", "key", "value"],
        ["GET", ""],
        ["ECHO", "\r\n\r\n"],
        ["PING"],
        ["SET", "k", "hello world"],
        ["SET", "k", "it's"],
        ["ECHO", "A\n"],
    ];

    public static TheoryData<int> FrameIndexes()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Frames.Length; i++)
        {
            data.Add(i);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(FrameIndexes))]
    public void A_whole_frame_parses_into_its_arguments(int index)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Frames[index]);
        var parser = new RequestParser(new RequestLimits());
        var args = new CommandArguments();
        Assert.Equal(ParseResult.Command, parser.TryParse(new ReadOnlySequence<byte>(bytes), args, out long consumed));
        Assert.Equal(bytes.Length, consumed);
        Assert.Equal(Expected[index], ToStrings(args));
    }

    [Theory]
    [MemberData(nameof(FrameIndexes))]
    public void A_frame_inside_a_bigger_buffer_consumes_only_itself(int index)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Frames[index] + "*1\r\n$4\r\nPING\r\n");
        var parser = new RequestParser(new RequestLimits());
        var args = new CommandArguments();
        Assert.Equal(ParseResult.Command, parser.TryParse(new ReadOnlySequence<byte>(bytes), args, out long consumed));
        Assert.Equal(Encoding.UTF8.GetByteCount(Frames[index]), consumed);
        Assert.Equal(Expected[index], ToStrings(args));
    }

    [Theory]
    [MemberData(nameof(FrameIndexes))]
    public void A_frame_split_at_every_offset_parses_once_complete(int index)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Frames[index]);
        for (int split = 1; split < bytes.Length; split++)
        {
            var parser = new RequestParser(new RequestLimits());
            var args = new CommandArguments();
            Assert.Equal(ParseResult.NeedMore, parser.TryParse(new ReadOnlySequence<byte>(bytes, 0, split), args, out long consumed));
            Assert.Equal(0, consumed);
            // The second read sees the same start again, now complete and in two segments.
            ReadOnlySequence<byte> whole = Segments(bytes[..split], bytes[split..]);
            Assert.Equal(ParseResult.Command, parser.TryParse(whole, args, out consumed));
            Assert.Equal(bytes.Length, consumed);
            Assert.Equal(Expected[index], ToStrings(args));
        }
    }

    [Theory]
    [MemberData(nameof(FrameIndexes))]
    public void A_frame_delivered_one_byte_per_segment_parses(int index)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Frames[index]);
        var parser = new RequestParser(new RequestLimits());
        var args = new CommandArguments();
        for (int have = 1; have < bytes.Length; have++)
        {
            Assert.Equal(ParseResult.NeedMore, parser.TryParse(Segments(bytes[..have].Select(b => new[] { b }).ToArray()), args, out _));
        }
        Assert.Equal(ParseResult.Command, parser.TryParse(Segments(bytes.Select(b => new[] { b }).ToArray()), args, out long consumed));
        Assert.Equal(bytes.Length, consumed);
        Assert.Equal(Expected[index], ToStrings(args));
    }

    [Theory]
    [InlineData("*abc\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*3000000000\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*1\r\n$-5\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$x\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n+PING\r\n", "Protocol error: expected '$', got '+'")]
    [InlineData("SET k \"unterminated\r\n", "Protocol error: unbalanced quotes in request")]
    [InlineData("SET k \"a\"b\r\n", "Protocol error: unbalanced quotes in request")]
    public void Malformed_input_is_a_protocol_error_with_redis_text(string input, string error)
    {
        var parser = new RequestParser(new RequestLimits());
        Assert.Equal(ParseResult.ProtocolError, parser.TryParse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(input)), new CommandArguments(), out _));
        Assert.Equal(error, parser.Error);
    }

    // Length lines that a one-pass reading of "$digits" could get wrong: signs, leading zeros, spaces, too many digits,
    // limits, a CR at the very end. The contiguous buffer takes the one-pass reading where it applies; the one-byte
    // segments always take the general line search; both must answer alike.
    [Theory]
    [InlineData("*1\r\n$01\r\nx\r\n")]
    [InlineData("*1\r\n$00\r\n\r\n")]
    [InlineData("*1\r\n$0\r\n\r\n")]
    [InlineData("*1\r\n$-0\r\n\r\n")]
    [InlineData("*1\r\n$+1\r\nx\r\n")]
    [InlineData("*1\r\n$1 \r\nx\r\n")]
    [InlineData("*1\r\n$ 1\r\nx\r\n")]
    [InlineData("*1\r\n$1\rXx\r\n")]
    [InlineData("*1\r\n$1\r")]
    [InlineData("*1\r\n$1")]
    [InlineData("*1\r\n$\r\n")]
    [InlineData("*1\r\n$1048576\r\n")]
    [InlineData("*1\r\n$1048577\r\n")]
    [InlineData("*1\r\n$100000000000000000\r\n")]
    [InlineData("*1\r\n$1000000000000000000\r\n")]
    [InlineData("*1\r\n$99999999999999999999\r\n")]
    [InlineData("*01\r\n$1\r\nx\r\n")]
    [InlineData("*00\r\n")]
    [InlineData("*0\r\n")]
    [InlineData("*-1\r\n")]
    [InlineData("*+1\r\n$1\r\nx\r\n")]
    [InlineData("*2147483647\r\n")]
    [InlineData("*2147483648\r\n")]
    [InlineData("*1000000000000000000\r\n")]
    [InlineData("*2\r\n$3\r\nGET\r\n$12\r\nkey:00000001\r\n")]
    public void A_length_line_means_the_same_in_one_block_and_byte_by_byte(string input)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(input);
        foreach (bool unauthenticated in new[] { false, true })
        {
            var limits = new RequestLimits { ProtoMaxBulkLen = 1024 * 1024 };
            var whole = new RequestParser(limits) { Unauthenticated = unauthenticated };
            var split = new RequestParser(limits) { Unauthenticated = unauthenticated };
            var wholeArgs = new CommandArguments();
            var splitArgs = new CommandArguments();
            ParseResult wholeResult = whole.TryParse(new ReadOnlySequence<byte>(bytes), wholeArgs, out long wholeConsumed);
            ParseResult splitResult = split.TryParse(Segments(bytes.Select(b => new[] { b }).ToArray()), splitArgs, out long splitConsumed);
            Assert.Equal(splitResult, wholeResult);
            Assert.Equal(split.Error, whole.Error);
            Assert.Equal(splitConsumed, wholeConsumed);
            if (wholeResult == ParseResult.Command)
            {
                Assert.Equal(ToStrings(splitArgs), ToStrings(wholeArgs));
            }
        }
    }

    [Fact]
    public void A_plain_length_line_is_read_as_its_number()
    {
        var parser = new RequestParser(new RequestLimits());
        var args = new CommandArguments();
        byte[] value = Enumerable.Repeat((byte)'v', 1234).ToArray();
        byte[] bytes = [.. Encoding.ASCII.GetBytes("*2\r\n$4\r\nECHO\r\n$1234\r\n"), .. value, .. "\r\n"u8];
        Assert.Equal(ParseResult.Command, parser.TryParse(new ReadOnlySequence<byte>(bytes), args, out long consumed));
        Assert.Equal(bytes.Length, consumed);
        Assert.Equal(["ECHO", new string('v', 1234)], ToStrings(args));
    }

    [Fact]
    public void A_bulk_longer_than_proto_max_bulk_len_is_refused_before_its_bytes_arrive()
    {
        var parser = new RequestParser(new RequestLimits { ProtoMaxBulkLen = 1024 * 1024 });
        byte[] header = Encoding.ASCII.GetBytes("*2\r\n$3\r\nGET\r\n$1048577\r\n");
        Assert.Equal(ParseResult.ProtocolError, parser.TryParse(new ReadOnlySequence<byte>(header), new CommandArguments(), out _));
        Assert.Equal("Protocol error: invalid bulk length", parser.Error);
    }

    [Fact]
    public void An_inline_line_over_64KB_without_newline_is_refused()
    {
        var parser = new RequestParser(new RequestLimits());
        byte[] line = Enumerable.Repeat((byte)'a', RequestLimits.InlineMaxSize + 1).ToArray();
        Assert.Equal(ParseResult.ProtocolError, parser.TryParse(new ReadOnlySequence<byte>(line), new CommandArguments(), out _));
        Assert.Equal("Protocol error: too big inline request", parser.Error);
    }

    [Fact]
    public void Unauthenticated_clients_get_redis_tighter_caps()
    {
        var parser = new RequestParser(new RequestLimits()) { Unauthenticated = true };
        Assert.Equal(ParseResult.ProtocolError, parser.TryParse(new ReadOnlySequence<byte>("*11\r\n"u8.ToArray()), new CommandArguments(), out _));
        Assert.Equal("Protocol error: unauthenticated multibulk length", parser.Error);
        Assert.Equal(ParseResult.ProtocolError, parser.TryParse(new ReadOnlySequence<byte>("*2\r\n$4\r\nAUTH\r\n$16385\r\n"u8.ToArray()), new CommandArguments(), out _));
        Assert.Equal("Protocol error: unauthenticated bulk length", parser.Error);
    }

    [Fact]
    public void Empty_multibulk_and_blank_inline_lines_are_commands_without_arguments()
    {
        var parser = new RequestParser(new RequestLimits());
        var args = new CommandArguments();
        foreach (string input in new[] { "*0\r\n", "*-1\r\n", "\r\n", "   \n" })
        {
            Assert.Equal(ParseResult.Command, parser.TryParse(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(input)), args, out long consumed));
            Assert.Equal(input.Length, consumed);
            Assert.Equal(0, args.Count);
        }
    }

    [Fact]
    public void A_command_with_many_arguments_arriving_in_pieces_resumes_where_it_stopped()
    {
        var request = new StringBuilder("*10001\r\n$4\r\nMSET\r\n");
        for (int i = 0; i < 10000; i++)
        {
            request.Append("$1\r\nx\r\n");
        }
        byte[] bytes = Encoding.ASCII.GetBytes(request.ToString());
        var parser = new RequestParser(new RequestLimits());
        var args = new CommandArguments();
        ParseResult result = ParseResult.NeedMore;
        long consumed = 0;
        for (int have = 4096; result == ParseResult.NeedMore; have = Math.Min(bytes.Length, have + 4096))
        {
            result = parser.TryParse(new ReadOnlySequence<byte>(bytes, 0, have), args, out consumed);
        }
        Assert.Equal(ParseResult.Command, result);
        Assert.Equal(bytes.Length, consumed);
        Assert.Equal(10001, args.Count);
    }

    private static string[] ToStrings(CommandArguments args) =>
        Enumerable.Range(0, args.Count).Select(i => Encoding.UTF8.GetString(args[i])).ToArray();

    private static ReadOnlySequence<byte> Segments(params byte[][] parts)
    {
        var first = new Segment(parts[0], 0);
        Segment last = first;
        for (int i = 1; i < parts.Length; i++)
        {
            last = last.Append(parts[i]);
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] bytes)
        {
            var next = new Segment(bytes, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
