using System.Text;
using RedisClone.Node.Storage;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Memory;

/// <summary>
/// APPEND and SETRANGE grow a value with room to spare, as Redis's sds does, so that growing a value piece by piece
/// copies O(final length) bytes in all (it copied the whole value on every piece: 40 APPENDs of 10 MB took 32 s).
/// </summary>
public class GrowableStringTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public void Appending_many_pieces_reallocates_a_logarithmic_number_of_times_and_copies_linearly()
    {
        GrowableString value = GrowableString.From([]);
        byte[] piece = Enumerable.Repeat((byte)'x', 1000).ToArray();
        int reallocations = 0;
        long copied = 0;
        byte[] buffer = value.Buffer;
        for (int i = 0; i < 10_000; i++)
        {
            value.Append(piece);
            if (!ReferenceEquals(buffer, value.Buffer))
            {
                reallocations++;
                copied += value.Length - piece.Length; // what the growth carried over
                buffer = value.Buffer;
            }
        }
        Assert.Equal(10_000_000, value.Length);
        Assert.InRange(reallocations, 1, 40); // 10 MB by doubling to 1 MB, then by half: about 25, not 10,000
        Assert.InRange(copied, 0, 4L * value.Length);
        Assert.True(value.Span.ToArray().All(b => b == (byte)'x'));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 2)]
    [InlineData(GrowableString.DoublingLimit - 1, 2 * (GrowableString.DoublingLimit - 1))]
    [InlineData(GrowableString.DoublingLimit, GrowableString.DoublingLimit + GrowableString.DoublingLimit / 2)]
    [InlineData(100_000_000, 150_000_000)]
    [InlineData(int.MaxValue, int.MaxValue)]
    public void Capacity_doubles_below_1MB_and_grows_by_half_above_capped_at_the_largest_array(long needed, long expected) =>
        Assert.Equal(Math.Min(expected, Array.MaxLength), Math.Max(GrowableString.CapacityFor(needed), Math.Min(needed, Array.MaxLength)));

    [Fact]
    public void Setrange_past_the_end_of_a_grown_value_fills_the_gap_with_zeros()
    {
        GrowableString value = GrowableString.From("abc"u8.ToArray());
        value.Append("def"u8);
        value.WriteAt(10, "Z"u8);
        Assert.Equal("abcdef\0\0\0\0Z"u8.ToArray(), value.Span.ToArray());
        value.WriteAt(1, "B"u8);
        Assert.Equal("aBcdef\0\0\0\0Z"u8.ToArray(), value.Span.ToArray());
    }

    [Fact]
    public void A_value_grown_by_append_reads_back_exactly_through_every_string_command()
    {
        using RawClient client = node.Raw();
        Assert.Equal("+OK\r\n", client.Call("SET", "grow:k", "ab"));
        var expected = new StringBuilder("ab");
        for (int i = 0; i < 200; i++)
        {
            string piece = new((char)('a' + i % 26), 100 + i);
            expected.Append(piece);
            Assert.Equal($":{expected.Length}\r\n", client.Call("APPEND", "grow:k", piece));
        }
        Assert.Equal($":{expected.Length}\r\n", client.Call("STRLEN", "grow:k"));
        Assert.Equal("+string\r\n", client.Call("TYPE", "grow:k"));
        Assert.Equal("$3\r\nraw\r\n", client.Call("OBJECT", "ENCODING", "grow:k"));
        Assert.Equal($"${expected.Length}\r\n{expected}\r\n", client.Call("GET", "grow:k"));
        Assert.Equal("$5\r\nbaaaa\r\n", client.Call("GETRANGE", "grow:k", "1", "5"));
        Assert.Equal(":1\r\n", client.Call("COPY", "grow:k", "grow:copy"));
        Assert.Equal($"${expected.Length}\r\n{expected}\r\n", client.Call("GET", "grow:copy"));

        // SETRANGE past the end of a value that has room to spare: the gap reads as zeros.
        Assert.Equal($":{expected.Length + 1}\r\n", client.Call("APPEND", "grow:k", "!"));
        Assert.Equal($":{expected.Length + 5}\r\n", client.Call("SETRANGE", "grow:k", (expected.Length + 4).ToString(), "?"));
        Assert.Equal("$5\r\n!\0\0\0?\r\n", client.Call("GETRANGE", "grow:k", "-5", "-1"));
    }

    [Fact]
    public void Reading_a_grown_value_does_not_touch_watchers_but_growing_it_does()
    {
        using RawClient client = node.Raw();
        Assert.Equal(":3\r\n", client.Call("APPEND", "grow:w", "abc"));
        Assert.Equal(":6\r\n", client.Call("APPEND", "grow:w", "def"));
        Assert.Equal("+OK\r\n", client.Call("WATCH", "grow:w"));
        Assert.Equal("$6\r\nabcdef\r\n", client.Call("GET", "grow:w")); // trims the spare room: not a change
        Assert.Equal("+OK\r\n", client.Call("MULTI"));
        Assert.Equal("+QUEUED\r\n", client.Call("GET", "grow:w"));
        Assert.Equal("*1\r\n$6\r\nabcdef\r\n", client.Call("EXEC"));

        Assert.Equal("+OK\r\n", client.Call("WATCH", "grow:w"));
        using (RawClient other = node.Raw())
        {
            Assert.Equal(":7\r\n", other.Call("APPEND", "grow:w", "g"));
        }
        Assert.Equal("+OK\r\n", client.Call("MULTI"));
        Assert.Equal("+QUEUED\r\n", client.Call("GET", "grow:w"));
        Assert.Equal("*-1\r\n", client.Call("EXEC"));
    }

    [Fact]
    public void Setrange_on_a_grown_value_still_respects_proto_max_bulk_len()
    {
        using RawClient client = node.Raw();
        Assert.Equal(":1\r\n", client.Call("APPEND", "grow:limit", "x"));
        Assert.Equal("-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
            client.Call("SETRANGE", "grow:limit", "536870912", "y"));
        Assert.Equal(":1\r\n", client.Call("STRLEN", "grow:limit"));
    }
}
