using System.Buffers;
using System.Text;
using RedisClone.Node.Protocol;

namespace RedisClone.Tests.Protocol;

/// <summary>
/// Long lines and NUL bytes as Redis 7 reads them: a line whose end arrives within Redis's first reads is parsed
/// whatever its length (a 70 KB count line is an "invalid multibulk length"); one that does not end there is "too big";
/// a NUL before the end hides the end (Redis searches with strchr). Each limit just under, at and far over, whole and
/// split into 4 KB segments (as the transport delivers). The same cases run against redis-server in
/// ConnectionCompatibilityTests.
/// </summary>
public class LineLimitTests
{
    private const int Count = RequestLimits.LineScanLimit;
    private const int Bulk = RequestLimits.BulkLineScanLimit;

    public static TheoryData<string, int, string?> Lines => new()
    {
        // kind, index of the line's end in the line, the error (null: parsed as a command)
        { "count", 70_000, "Protocol error: invalid multibulk length" },
        { "count", Count - 1, "Protocol error: invalid multibulk length" },
        { "count", Count, "Protocol error: too big mbulk count string" },
        { "count", 4 * Count, "Protocol error: too big mbulk count string" },
        { "bulk", 70_000, "Protocol error: invalid bulk length" },
        { "bulk", Bulk - 1, "Protocol error: invalid bulk length" },
        { "bulk", Bulk, "Protocol error: too big bulk count string" },
        { "bulk", 4 * Bulk, "Protocol error: too big bulk count string" },
        { "inline", 70_000, null },
        { "inline", Count - 1, null },
        { "inline", Count, "Protocol error: too big inline request" },
        { "inline", 4 * Count, "Protocol error: too big inline request" },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void A_long_line_sent_at_once_is_read_as_redis_reads_it(string kind, int length, string? error)
    {
        byte[] bytes = Line(kind, length);
        foreach (ReadOnlySequence<byte> input in new[] { new ReadOnlySequence<byte>(bytes), InSegments(bytes, 4096) })
        {
            // More of the line is waiting until all of it has been seen: the client sent it in one write.
            var parser = new RequestParser(new RequestLimits());
            var args = new CommandArguments();
            ParseResult result = ParseResult.NeedMore;
            long consumed = 0;
            for (long have = Math.Min(4096, input.Length); result == ParseResult.NeedMore; have = Math.Min(input.Length, have + 4096))
            {
                long seen = have;
                parser.InputPending = () => seen < input.Length;
                result = parser.TryParse(input.Slice(0, have), args, out consumed);
                if (have == input.Length)
                {
                    break;
                }
            }
            if (error is null)
            {
                Assert.Equal(ParseResult.Command, result);
                Assert.Equal(bytes.Length, consumed);
                Assert.Equal(2, args.Count);
                Assert.Equal(length - 6, args[1].Length);
            }
            else
            {
                Assert.Equal(ParseResult.ProtocolError, result);
                Assert.Equal(error, parser.Error);
            }
        }
    }

    [Theory]
    [InlineData(RequestLimits.InlineMaxSize)]
    [InlineData(RequestLimits.InlineMaxSize + 1)]
    [InlineData(70_000)]
    public void An_unended_line_is_too_big_past_64KB_once_nothing_more_is_waiting(int length)
    {
        byte[] bytes = Enumerable.Repeat((byte)'a', length).ToArray();
        var parser = new RequestParser(new RequestLimits()) { InputPending = () => true };
        Assert.Equal(ParseResult.NeedMore, parser.TryParse(new ReadOnlySequence<byte>(bytes), new CommandArguments(), out _));
        parser.InputPending = () => false;
        ParseResult result = parser.TryParse(new ReadOnlySequence<byte>(bytes), new CommandArguments(), out _);
        if (length > RequestLimits.InlineMaxSize)
        {
            Assert.Equal(ParseResult.ProtocolError, result);
            Assert.Equal("Protocol error: too big inline request", parser.Error);
        }
        else
        {
            Assert.Equal(ParseResult.NeedMore, result);
        }
    }

    [Theory]
    [InlineData("PING\0\r\nPING\r\n", "Protocol error: too big inline request")]
    [InlineData("ECHO a\0b\r\n", "Protocol error: too big inline request")]
    [InlineData("*1\0\r\n$4\r\nPING\r\n", "Protocol error: too big mbulk count string")]
    [InlineData("*1\r\n$4\0\r\nPING\r\n", "Protocol error: too big bulk count string")]
    public void A_nul_before_the_line_end_hides_it_until_the_buffer_is_too_big(string start, string error)
    {
        byte[] small = Encoding.Latin1.GetBytes(start);
        var parser = new RequestParser(new RequestLimits());
        Assert.Equal(ParseResult.NeedMore, parser.TryParse(new ReadOnlySequence<byte>(small), new CommandArguments(), out _));
        byte[] big = [.. small, .. Enumerable.Repeat((byte)'a', RequestLimits.InlineMaxSize)];
        Assert.Equal(ParseResult.ProtocolError, parser.TryParse(new ReadOnlySequence<byte>(big), new CommandArguments(), out _));
        Assert.Equal(error, parser.Error);
    }

    [Fact]
    public void A_nul_inside_a_bulk_value_is_data()
    {
        byte[] bytes = "*2\r\n$4\r\nECHO\r\n$3\r\na\0b\r\n"u8.ToArray();
        var parser = new RequestParser(new RequestLimits());
        var args = new CommandArguments();
        Assert.Equal(ParseResult.Command, parser.TryParse(new ReadOnlySequence<byte>(bytes), args, out long consumed));
        Assert.Equal(bytes.Length, consumed);
        Assert.Equal("a\0b"u8.ToArray(), args[1].ToArray());
    }

    /// <summary>
    /// A line whose end ('\r' for count and bulk lines, '\n' inline) is at index <paramref name="length"/>: digits for
    /// count and bulk lines, ECHO aaa... inline.
    /// </summary>
    private static byte[] Line(string kind, int length) => kind switch
    {
        "count" => Encoding.ASCII.GetBytes("*" + new string('1', length - 1) + "\r\n"),
        "bulk" => Encoding.ASCII.GetBytes("*1\r\n$" + new string('1', length - 1) + "\r\n"),
        _ => Encoding.ASCII.GetBytes("ECHO " + new string('a', length - 6) + "\r\n"),
    };

    private static ReadOnlySequence<byte> InSegments(byte[] bytes, int size)
    {
        var first = new Segment(bytes.AsMemory(0, Math.Min(size, bytes.Length)), 0);
        Segment last = first;
        for (int offset = size; offset < bytes.Length; offset += size)
        {
            last = last.Append(bytes.AsMemory(offset, Math.Min(size, bytes.Length - offset)));
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> bytes)
        {
            var next = new Segment(bytes, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
