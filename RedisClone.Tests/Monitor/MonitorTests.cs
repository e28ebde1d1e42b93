using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Monitor;

/// <summary>
/// MONITOR on the node alone: the line's time and address, CLIENT LIST's O flag, RESET, several monitors seeing one
/// order, and a monitor that stops reading being disconnected (bounded, unlike Redis's unlimited normal class).
/// </summary>
public sealed partial class MonitorTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public void A_line_carries_the_time_the_database_and_the_clients_address()
    {
        using RawClient monitor = node.Raw();
        Assert.Equal("+OK\r\n", monitor.Call("MONITOR"));
        using RawClient client = node.Raw();
        Assert.Equal("+OK\r\n", client.Call("SELECT", "5"));
        Assert.Equal("+OK\r\n", client.Call("SET", "greeting", "hello world"));

        Match select = LineShape().Match(monitor.ReadReply());
        Match set = LineShape().Match(monitor.ReadReply());
        Assert.True(select.Success && set.Success);
        Assert.Equal($"5 127.0.0.1:{client.LocalPort}", set.Groups["origin"].Value);
        Assert.Equal("\"SET\" \"greeting\" \"hello world\"", set.Groups["command"].Value);
        double seconds = double.Parse(set.Groups["time"].Value, CultureInfo.InvariantCulture);
        Assert.InRange(seconds, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);
    }

    [Fact]
    public void Client_list_flags_a_monitor_with_O_until_reset_ends_monitoring()
    {
        using RawClient monitor = node.Raw();
        string id = monitor.Call("CLIENT", "ID").Trim(':', '\r', '\n');
        Assert.Equal("+OK\r\n", monitor.Call("MONITOR"));
        using RawClient admin = node.Raw();
        Assert.Contains("flags=O ", Entry(admin, id), StringComparison.Ordinal);
        Assert.Contains("cmd=monitor ", Entry(admin, id), StringComparison.Ordinal);

        Assert.Equal("+RESET\r\n", monitor.Call("RESET"));
        Assert.Contains("flags=N ", Entry(admin, id), StringComparison.Ordinal);
        Assert.Equal("+OK\r\n", admin.Call("SET", "after-reset", "1"));
        // No line for that SET: the next thing the former monitor receives is its own reply.
        Assert.Equal("$1\r\n1\r\n", monitor.Call("GET", "after-reset"));
    }

    private static string Entry(RawClient admin, string id) =>
        admin.Call("CLIENT", "LIST", "ID", id).Split('\n').Single(l => l.Contains($"id={id} ", StringComparison.Ordinal));

    [Fact]
    public async Task Every_monitor_sees_every_command_in_one_order()
    {
        using RawClient first = node.Raw();
        using RawClient second = node.Raw();
        Assert.Equal("+OK\r\n", first.Call("MONITOR"));
        Assert.Equal("+OK\r\n", second.Call("MONITOR"));
        const int PerWriter = 500;
        Task[] writers = Enumerable.Range(0, 2).Select(w => Task.Run(() =>
        {
            using RawClient writer = node.Raw();
            var pipeline = new StringBuilder();
            for (int i = 0; i < PerWriter; i++)
            {
                string key = $"order:{w}:{i}";
                pipeline.Append(CultureInfo.InvariantCulture, $"*3\r\n$3\r\nSET\r\n${key.Length}\r\n{key}\r\n$1\r\nx\r\n");
            }
            writer.Send(pipeline.ToString());
            for (int i = 0; i < PerWriter; i++)
            {
                Assert.Equal("+OK\r\n", writer.ReadReply());
            }
        })).ToArray();
        await Task.WhenAll(writers);

        var seenByFirst = Enumerable.Range(0, 2 * PerWriter).Select(_ => Command(first.ReadReply())).ToList();
        var seenBySecond = Enumerable.Range(0, 2 * PerWriter).Select(_ => Command(second.ReadReply())).ToList();
        Assert.Equal(seenByFirst, seenBySecond);
        for (int w = 0; w < 2; w++)
        {
            string prefix = $"\"SET\" \"order:{w}:";
            Assert.Equal(
                Enumerable.Range(0, PerWriter).Select(i => $"{prefix}{i}\" \"x\""),
                seenByFirst.Where(c => c.StartsWith(prefix, StringComparison.Ordinal)));
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task A_monitor_that_stops_reading_is_disconnected_and_nobody_waits_for_it()
    {
        using RawClient admin = node.Raw();
        string before = admin.Call("CONFIG", "GET", "client-output-buffer-limit");
        Assert.Equal("+OK\r\n", admin.Call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1048576 0 0"));
        try
        {
            long disconnectionsBefore = Disconnections(admin);
            using var stalled = new TcpClient { ReceiveBufferSize = 4096 };
            await stalled.ConnectAsync("127.0.0.1", node.Port);
            NetworkStream stream = stalled.GetStream();
            await stream.WriteAsync("MONITOR\r\n"u8.ToArray());
            byte[] ok = new byte[5];
            await stream.ReadExactlyAsync(ok);
            Assert.Equal("+OK\r\n"u8.ToArray(), ok);

            // About 16 MB of lines for a monitor allowed 1 MB: the writer gets every reply regardless.
            using RawClient writer = node.Raw();
            string value = new('v', 8 * 1024);
            for (int batch = 0; batch < 20; batch++)
            {
                var pipeline = new StringBuilder();
                for (int i = 0; i < 100; i++)
                {
                    pipeline.Append(CultureInfo.InvariantCulture, $"*3\r\n$3\r\nSET\r\n$10\r\nslow:{batch:D2}:{i:D2}\r\n${value.Length}\r\n{value}\r\n");
                }
                writer.Send(pipeline.ToString());
                for (int i = 0; i < 100; i++)
                {
                    Assert.Equal("+OK\r\n", writer.ReadReply());
                }
            }

            Assert.True(StreamDrain.DrainsToClose(stream), "the stalled monitor's connection was not closed");
            await ClusterFixture.WaitUntil(() => Disconnections(admin) == disconnectionsBefore + 1, "the disconnection to be counted in INFO stats");
            await ClusterFixture.WaitUntil(() => !admin.Call("CLIENT", "LIST").Contains("flags=O", StringComparison.Ordinal), "the monitor to leave CLIENT LIST");
        }
        finally
        {
            string[] previous = before.Split("\r\n");
            admin.Call("CONFIG", "SET", "client-output-buffer-limit", previous[4]);
        }
    }

    private static long Disconnections(RawClient admin)
    {
        Match count = Regex.Match(admin.Call("INFO", "stats"), @"client_output_buffer_limit_disconnections:(\d+)");
        return long.Parse(count.Groups[1].Value, CultureInfo.InvariantCulture);
    }


    private static string Command(string line)
    {
        Match match = LineShape().Match(line);
        Assert.True(match.Success, line);
        return match.Groups["command"].Value;
    }

    [GeneratedRegex(@"^\+(?<time>\d{10}\.\d{6}) \[(?<origin>\d+ [0-9.]+:\d+)\] (?<command>.*)\r\n$", RegexOptions.Singleline)]
    private static partial Regex LineShape();
}
