using System.Text;
using RedisClone.Tests.Compatibility;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Security;

/// <summary>
/// Cross-protocol scripting: what a browser sends when a page POSTs to the node's port. As Redis 7, <c>POST</c> and
/// <c>Host:</c> as a command close the connection at once, with nothing sent and nothing after them run.
/// </summary>
public sealed class CrossProtocolTests(DifferentialFixture fixture) : DifferentialTestBase(fixture)
{
    private static string HttpPost(string key) =>
        "POST / HTTP/1.1\r\nHost: 127.0.0.1:6379\r\nContent-Type: text/plain\r\nContent-Length: 40\r\n\r\n"
        + $"SET {key} pwned\r\nCONFIG SET maxclients 1\r\n";

    [Fact]
    public void An_http_post_whose_body_holds_commands_is_closed_before_the_body_runs()
    {
        long before = CrossProtocolAttacks();
        using (RawClient browser = Fixture.Node.Raw())
        {
            browser.Send(HttpPost("xps:post"));
            Assert.Empty(browser.ReadUntilClosed());
        }
        using RawClient check = Fixture.Node.Raw();
        Assert.Equal(":0\r\n", check.Call("EXISTS", "xps:post"));
        Assert.Equal("*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n", check.Call("CONFIG", "GET", "maxclients"));
        Assert.Equal(before + 1, CrossProtocolAttacks());
    }

    [Fact]
    public void A_browser_get_is_closed_at_its_host_header_and_the_get_lines_error_is_not_sent()
    {
        using (RawClient browser = Fixture.Node.Raw())
        {
            browser.Send("GET /?x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nSET xps:get pwned\r\n");
            Assert.Empty(browser.ReadUntilClosed());
        }
        using RawClient check = Fixture.Node.Raw();
        Assert.Equal(":0\r\n", check.Call("EXISTS", "xps:get"));
    }

    [Fact]
    public void Post_inside_multi_or_in_subscribed_mode_still_closes_the_connection()
    {
        using (RawClient client = Fixture.Node.Raw())
        {
            Assert.Equal("+OK\r\n", client.Call("MULTI"));
            client.Send("post / HTTP/1.0\r\n");
            Assert.Empty(client.ReadUntilClosed());
        }
        using (RawClient client = Fixture.Node.Raw())
        {
            client.Command("SUBSCRIBE", "xps:c");
            Assert.Equal("*3\r\n$9\r\nsubscribe\r\n$5\r\nxps:c\r\n:1\r\n", client.ReadReply());
            client.Command("hOsT:", "x");
            Assert.Empty(client.ReadUntilClosed());
        }
    }

    [Fact]
    public void A_command_that_only_starts_with_host_is_an_unknown_command()
    {
        using RawClient client = Fixture.Node.Raw();
        client.Send("Host:x\r\nPOSTS\r\n");
        Assert.Equal("-ERR unknown command 'Host:x', with args beginning with: \r\n", client.ReadReply());
        Assert.Equal("-ERR unknown command 'POSTS', with args beginning with: \r\n", client.ReadReply());
        Assert.Equal("+PONG\r\n", client.Call("PING"));
    }

    [Fact]
    public void Config_resetstat_zeroes_the_count()
    {
        using (RawClient browser = Fixture.Node.Raw())
        {
            browser.Send("POST /\r\n");
            browser.ReadUntilClosed();
        }
        Assert.True(CrossProtocolAttacks() > 0);
        using RawClient client = Fixture.Node.Raw();
        Assert.Equal("+OK\r\n", client.Call("CONFIG", "RESETSTAT"));
        Assert.Equal(0, CrossProtocolAttacks());
    }

    public static TheoryData<string> Requests => new(
        "POST / HTTP/1.1\r\nHost: x\r\n\r\nSET xps:diff 1\r\n",
        "PING\r\nhost: x\r\nSET xps:diff 1\r\n",
        "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\npost\r\n$1\r\nx\r\n*3\r\n$3\r\nSET\r\n$8\r\nxps:diff\r\n$1\r\n1\r\n",
        "HOST:\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\n\r\n");

    [RequiresToolTheory("redis-server")]
    [MemberData(nameof(Requests))]
    public void Everything_redis_server_sends_before_closing_is_what_the_node_sends(string request)
    {
        Assert.True(Fixture.Redis.Available, "redis-server is not running:\n" + Fixture.Redis.Log);
        (string redis, bool redisSet) = Exchange(Fixture.Redis.Port, request);
        (string node, bool nodeSet) = Exchange(Fixture.Node.Port, request);
        Assert.Equal(redis, node);
        Assert.False(redisSet);
        Assert.False(nodeSet);
    }

    private static (string Received, bool KeySet) Exchange(int port, string request)
    {
        string received;
        using (RawClient client = RawClient.Connect(port))
        {
            client.Send(request);
            received = Encoding.Latin1.GetString(client.ReadUntilClosed());
        }
        using RawClient check = RawClient.Connect(port);
        return (received, check.Call("EXISTS", "xps:diff") != ":0\r\n");
    }

    private long CrossProtocolAttacks()
    {
        using RawClient client = Fixture.Node.Raw();
        string info = client.Call("INFO", "stats");
        string line = info.Split("\r\n").Single(l => l.StartsWith("cross_protocol_attacks:", StringComparison.Ordinal));
        return long.Parse(line.AsSpan("cross_protocol_attacks:".Length), System.Globalization.CultureInfo.InvariantCulture);
    }
}
