using RedisClone.Node.Util;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Security;

/// <summary>
/// Logs cannot be flooded or forged by a client: protocol errors are logged at Debug only (Redis: verbose), client
/// bytes are escaped, and the cross-protocol warning is written at most once a minute (a node process's real output).
/// </summary>
public sealed class LogSafetyTests
{
    // A log entry of the console logger's shape, hidden in an argument of a request that then breaks the protocol.
    private const string Forged = "warn: RedisClone.Node.Server.RespConnectionHandler[1003]\r\n      FORGED ENTRY: all is well";

    [Fact]
    public async Task Client_bytes_in_a_logged_protocol_error_are_escaped_so_no_line_can_be_forged()
    {
        using RunningNode node = await RunningNode.StartAsync(
            new Dictionary<string, string> { ["Logging__LogLevel__RedisClone"] = "Debug" }, "--port", "0");
        using (RawClient client = RawClient.Connect(NodeOutput.Port(node)))
        {
            client.Send($"*3\r\n$3\r\nSET\r\n${Forged.Length}\r\n{Forged}\r\n$x\r\n");
            Assert.Equal("-ERR Protocol error: invalid bulk length\r\n", client.ReadReply());
        }
        await NodeOutput.WaitForAsync(node, "closed after protocol error");
        string[] lines = node.Output.Split('\n');
        Assert.DoesNotContain(lines, line => line.TrimStart().StartsWith("FORGED", StringComparison.Ordinal));
        Assert.Single(lines, line => line.Contains("RespConnectionHandler[1003]", StringComparison.Ordinal));
        Assert.Contains(@"[1003]\r\n      FORGED ENTRY", node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task At_the_default_level_protocol_errors_are_not_logged_and_attacks_are_logged_once_a_minute()
    {
        using RunningNode node = await RunningNode.StartAsync("--port", "0");
        int port = NodeOutput.Port(node);
        for (int i = 0; i < 50; i++)
        {
            using RawClient client = RawClient.Connect(port);
            client.Send("*1\r\n$x\r\n");
            Assert.Equal("-ERR Protocol error: invalid bulk length\r\n", client.ReadReply());
        }
        for (int i = 0; i < 3; i++)
        {
            using RawClient browser = RawClient.Connect(port);
            browser.Send("POST / HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.Empty(browser.ReadUntilClosed());
        }
        using (RawClient client = RawClient.Connect(port))
        {
            Assert.Contains("cross_protocol_attacks:3\r\n", client.Call("INFO", "stats"), StringComparison.Ordinal);
        }
        await NodeOutput.WaitForAsync(node, "Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis.");
        Assert.Single(node.Output.Split('\n'), line => line.Contains("SECURITY ATTACK", StringComparison.Ordinal));
        Assert.DoesNotContain("protocol error", node.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("a\r\nb", @"a\r\nb")]
    [InlineData("tab\there", @"tab\there")]
    [InlineData("back\\slash", @"back\\slash")]
    [InlineData("nul\0bell\a esc\u001b[31m", @"nul\x00bell\x07 esc\x1b[31m")]
    [InlineData("latin1 \u00e9 \u007f", @"latin1 \xe9 \x7f")]
    public void Escaping_leaves_printable_ascii_and_writes_every_other_byte_as_an_escape(string text, string expected)
    {
        Assert.Equal(expected, LogText.Escape(text));
        Assert.Equal(expected, LogText.Escape(System.Text.Encoding.Latin1.GetBytes(text)));
    }
}
