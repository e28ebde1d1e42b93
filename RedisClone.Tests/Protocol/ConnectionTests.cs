using System.Text;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Protocol;

/// <summary>What a client sees on the wire: pipelining, inline commands, protocol errors and limits.</summary>
public class ConnectionTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public void Pipelined_commands_run_in_order_and_all_replies_arrive()
    {
        using RawClient client = node.Raw();
        var batch = new StringBuilder();
        for (int i = 0; i < 500; i++)
        {
            batch.Append("*3\r\n$3\r\nSET\r\n$6\r\npipe:k\r\n$").Append(i.ToString().Length).Append("\r\n").Append(i).Append("\r\n");
            batch.Append("*2\r\n$3\r\nGET\r\n$6\r\npipe:k\r\n");
        }
        client.Send(batch.ToString());
        for (int i = 0; i < 500; i++)
        {
            Assert.Equal("+OK\r\n", client.ReadReply());
            Assert.Equal($"${i.ToString().Length}\r\n{i}\r\n", client.ReadReply());
        }
    }

    [Fact]
    public void Inline_commands_work_as_with_telnet()
    {
        using RawClient client = node.Raw();
        client.Send("SET inline:k \"hello world\"\r\nGET inline:k\r\nPING\n");
        Assert.Equal("+OK\r\n", client.ReadReply());
        Assert.Equal("$11\r\nhello world\r\n", client.ReadReply());
        Assert.Equal("+PONG\r\n", client.ReadReply());
    }

    [Theory]
    [InlineData("*x\r\n", "-ERR Protocol error: invalid multibulk length\r\n")]
    [InlineData("*1\r\n$-3\r\n", "-ERR Protocol error: invalid bulk length\r\n")]
    [InlineData("*1\r\nx\r\n", "-ERR Protocol error: expected '$', got 'x'\r\n")]
    [InlineData("ECHO \"abc\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n")]
    public void A_protocol_error_is_answered_then_the_connection_closes(string input, string reply)
    {
        using RawClient client = node.Raw();
        client.Send("PING\r\n" + input);
        Assert.Equal("+PONG\r\n", client.ReadReply());
        Assert.Equal(reply, client.ReadReply());
        Assert.True(client.WaitForClose());
    }

    [Fact]
    public void A_misbehaving_client_does_not_disturb_another()
    {
        using RawClient good = node.Raw();
        using RawClient bad = node.Raw();
        good.Command("SET", "steady:k", "v");
        Assert.Equal("+OK\r\n", good.ReadReply());
        bad.Send("*2\r\n$3\r\nGET\r\n$999999999999\r\n");
        Assert.Equal("-ERR Protocol error: invalid bulk length\r\n", bad.ReadReply());
        Assert.Equal("$1\r\nv\r\n", good.Call("GET", "steady:k"));
    }

    [Fact]
    public void A_value_larger_than_the_transport_buffer_round_trips()
    {
        using RawClient client = node.Raw();
        string big = new('x', 3 * 1024 * 1024);
        Assert.Equal("+OK\r\n", client.Call("SET", "big:k", big));
        Assert.Equal($"${big.Length}\r\n{big}\r\n", client.Call("GET", "big:k"));
    }

    [Fact]
    public void A_large_value_trickling_in_followed_by_pipelined_commands_is_parsed_whole()
    {
        using RawClient client = node.Raw();
        byte[] value = new byte[20 * 1024 * 1024];
        for (int i = 0; i < value.Length; i++)
        {
            value[i] = (byte)('a' + (i % 26));
        }
        byte[] header = System.Text.Encoding.ASCII.GetBytes($"*3\r\n$3\r\nSET\r\n$7\r\nlarge:k\r\n${value.Length}\r\n");
        client.Send(header);
        for (int offset = 0; offset < value.Length; offset += 700_000)
        {
            client.Send(value[offset..Math.Min(value.Length, offset + 700_000)]);
        }
        client.Send("\r\nSTRLEN large:k\r\nGETRANGE large:k 20971510 -1\r\nPING\r\n");
        Assert.Equal("+OK\r\n", client.ReadReply());
        Assert.Equal(":20971520\r\n", client.ReadReply());
        Assert.Equal($"$10\r\n{System.Text.Encoding.ASCII.GetString(value, value.Length - 10, 10)}\r\n", client.ReadReply());
        Assert.Equal("+PONG\r\n", client.ReadReply());
        Assert.Equal(":1\r\n", client.Call("DEL", "large:k"));
    }

    [Fact]
    public void Unknown_commands_and_wrong_arity_get_redis_error_texts()
    {
        using RawClient client = node.Raw();
        Assert.Equal("-ERR unknown command 'foo', with args beginning with: 'bar' 'baz' \r\n", client.Call("foo", "bar", "baz"));
        Assert.Equal("-ERR wrong number of arguments for 'get' command\r\n", client.Call("GET"));
        Assert.Equal("-ERR unknown subcommand 'nope'. Try CLIENT HELP.\r\n", client.Call("CLIENT", "nope"));
        Assert.Equal("-ERR wrong number of arguments for 'client|setname' command\r\n", client.Call("CLIENT", "SETNAME"));
    }

    [Fact]
    public void Resp3_after_hello_3_and_back_with_hello_2()
    {
        using RawClient client = node.Raw();
        string hello = client.Call("HELLO", "3");
        Assert.StartsWith("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n", hello);
        Assert.Contains("$5\r\nproto\r\n:3\r\n", hello);
        Assert.Equal("_\r\n", client.Call("GET", "resp3:missing"));
        Assert.StartsWith("%", client.Call("CONFIG", "GET", "databases"));
        Assert.StartsWith("*14\r\n", client.Call("HELLO", "2"));
        Assert.Equal("$-1\r\n", client.Call("GET", "resp3:missing"));
        Assert.Equal("-NOPROTO unsupported protocol version\r\n", client.Call("HELLO", "4"));
    }
}

public class AuthenticationTests(PasswordNodeFixture node) : IClassFixture<PasswordNodeFixture>
{
    [Fact]
    public void Commands_need_auth_and_a_wrong_password_is_refused()
    {
        using RawClient client = node.Raw();
        Assert.Equal("-NOAUTH Authentication required.\r\n", client.Call("GET", "k"));
        Assert.Equal("-NOAUTH Authentication required.\r\n", client.Call("PING"));
        Assert.Equal("-WRONGPASS invalid username-password pair or user is disabled.\r\n", client.Call("AUTH", "nope"));
        Assert.Equal("+OK\r\n", client.Call("AUTH", "s3cret"));
        Assert.Equal("+PONG\r\n", client.Call("PING"));
    }

    [Fact]
    public void Hello_can_authenticate_and_switch_protocol_at_once()
    {
        using RawClient client = node.Raw();
        Assert.StartsWith("-NOAUTH HELLO must be called with the client already authenticated", client.Call("HELLO", "3"));
        Assert.StartsWith("%7\r\n", client.Call("HELLO", "3", "AUTH", "default", "s3cret"));
    }

    [Fact]
    public void Unauthenticated_clients_cannot_send_large_requests()
    {
        using RawClient client = node.Raw();
        client.Send("*20\r\n");
        Assert.Equal("-ERR Protocol error: unauthenticated multibulk length\r\n", client.ReadReply());
        Assert.True(client.WaitForClose());
    }
}

/// <summary>A node whose query buffer limit is the smallest Redis allows (1 MB).</summary>
public sealed class QueryBufferLimitTests
{
    [Fact]
    public async Task A_client_whose_unfinished_command_outgrows_the_query_buffer_limit_is_closed_without_a_reply()
    {
        var node = new NodeFixture("--client-query-buffer-limit", "1mb");
        await node.InitializeAsync();
        try
        {
            using RawClient bad = node.Raw();
            using RawClient good = node.Raw();
            bad.Send("*2\r\n$4\r\nECHO\r\n$2000000\r\n");
            try
            {
                bad.Send(new byte[1_200_000]);
            }
            catch (IOException)
            {
                // The node may close the connection while these bytes are still being written: that is the point.
            }
            Assert.True(bad.WaitForClose());
            Assert.Equal("", bad.Unread);
            Assert.Equal("+PONG\r\n", good.Call("PING"));
        }
        finally
        {
            await node.DisposeAsync();
        }
    }
}
