using System.Text;
using RedisClone.Node.Commands;
using RedisClone.Node.Protocol;

namespace RedisClone.Tests.Monitor;

/// <summary>The MONITOR line, byte for byte: timestamp, database, address, and each argument in Redis's repr quoting.</summary>
public class MonitorLineTests
{
    private static CommandArguments Args(params byte[][] values)
    {
        var args = new CommandArguments();
        foreach (byte[] value in values)
        {
            args.Add(value.AsMemory());
        }
        return args;
    }

    private static string Line(CommandArguments args, params int[] redacted) =>
        Encoding.Latin1.GetString(MonitorLine.Format(1_339_518_083_107_412, 3, "127.0.0.1:60866"u8, args, redacted));

    [Fact]
    public void Plain_arguments_are_quoted_after_time_database_and_address() =>
        Assert.Equal("+1339518083.107412 [3 127.0.0.1:60866] \"set\" \"k\" \"v\"\r\n", Line(Args("set"u8.ToArray(), "k"u8.ToArray(), "v"u8.ToArray())));

    [Fact]
    public void Microseconds_keep_their_leading_zeros()
    {
        string line = Encoding.ASCII.GetString(MonitorLine.Format(1_700_000_000_000_042, 0, "1.2.3.4:5"u8, Args("PING"u8.ToArray()), []));
        Assert.Equal("+1700000000.000042 [0 1.2.3.4:5] \"PING\"\r\n", line);
    }

    [Fact]
    public void Special_and_non_printable_bytes_are_escaped_as_redis_repr_escapes_them()
    {
        byte[] value = [.. "a\"b\\c\r\n\t"u8, 0x07, 0x08, 0x00, 0x1b, 0x7f, 0x80, 0xc3, 0xa9, (byte)' ', (byte)'~', (byte)'\''];
        Assert.Equal(
            "+1339518083.107412 [3 127.0.0.1:60866] \"echo\" \"a\\\"b\\\\c\\r\\n\\t\\a\\b\\x00\\x1b\\x7f\\x80\\xc3\\xa9 ~'\"\r\n",
            Line(Args("echo"u8.ToArray(), value)));
    }

    [Fact]
    public void An_empty_argument_is_an_empty_pair_of_quotes() =>
        Assert.Equal("+1339518083.107412 [3 127.0.0.1:60866] \"get\" \"\"\r\n", Line(Args("get"u8.ToArray(), [])));

    [Fact]
    public void Redacted_arguments_show_as_redacted() =>
        Assert.Equal(
            "+1339518083.107412 [3 127.0.0.1:60866] \"HELLO\" \"3\" \"AUTH\" \"(redacted)\" \"(redacted)\"\r\n",
            Line(Args("HELLO"u8.ToArray(), "3"u8.ToArray(), "AUTH"u8.ToArray(), "default"u8.ToArray(), "s3cret"u8.ToArray()), 3, 4));
}
