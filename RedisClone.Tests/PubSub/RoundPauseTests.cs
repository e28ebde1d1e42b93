using System.Globalization;
using System.Net.Sockets;
using System.Text;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.PubSub;

/// <summary>
/// pubsub-round-pause-max-us: after a busy delivery round the node pauses (8x the round after a backlogged round, at
/// most this long; 4x otherwise, at most a quarter of it) so each send carries more messages. A pause must only delay, never strand: every message still arrives, in order. The
/// pause length belongs to each node's own delivery pump, so an in-process node is enough.
/// </summary>
public class RoundPauseTests
{
    private const string Channel = "pause:news";
    private const int PayloadSize = 4096;
    private const int Messages = 3000;
    private const int Subscribers = 50;

    [Fact(Timeout = 120_000)]
    public async Task With_the_longest_pause_every_subscriber_still_gets_every_message_in_order()
    {
        var node = new NodeFixture("--pubsub-round-pause-max-us", "1000000");
        var clients = new List<TcpClient>();
        try
        {
            await node.InitializeAsync();
            int port = node.Port;
            using RawClient publisher = node.Raw();
            Assert.Equal("*2\r\n$25\r\npubsub-round-pause-max-us\r\n$7\r\n1000000\r\n", publisher.Call("CONFIG", "GET", "pubsub-round-pause-max-us"));

            for (int i = 0; i < Subscribers; i++)
            {
                var client = new TcpClient();
                clients.Add(client);
                await client.ConnectAsync("127.0.0.1", port);
                await SubscribeAsync(client.GetStream());
            }
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            Task[] readers = clients.Select(c => ReadInOrderAsync(c.GetStream(), deadline.Token)).ToArray();

            // Pipelined bursts make rounds long enough to be followed by pauses; the last burst is followed by nothing,
            // so its messages arrive only if the round after a pause still runs.
            string padding = new('p', PayloadSize - 8);
            const int Burst = 100;
            for (int sent = 0; sent < Messages; sent += Burst)
            {
                var batch = new StringBuilder();
                for (int i = sent; i < sent + Burst; i++)
                {
                    string payload = i.ToString("D8", CultureInfo.InvariantCulture) + padding;
                    batch.Append(CultureInfo.InvariantCulture, $"*3\r\n$7\r\nPUBLISH\r\n${Channel.Length}\r\n{Channel}\r\n${payload.Length}\r\n{payload}\r\n");
                }
                publisher.Send(batch.ToString());
                for (int i = 0; i < Burst; i++)
                {
                    Assert.Equal($":{Subscribers}\r\n", publisher.ReadReply());
                }
            }
            await Task.WhenAll(readers);
        }
        finally
        {
            foreach (TcpClient client in clients)
            {
                client.Dispose();
            }
            await node.DisposeAsync();
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task The_pause_is_a_config_setting_with_redis_integer_errors()
    {
        var node = new NodeFixture();
        try
        {
            await node.InitializeAsync();
            using RawClient client = node.Raw();
            Assert.Equal("*2\r\n$25\r\npubsub-round-pause-max-us\r\n$5\r\n20000\r\n", client.Call("CONFIG", "GET", "pubsub-round-pause-max-us"));
            Assert.Equal("+OK\r\n", client.Call("CONFIG", "SET", "pubsub-round-pause-max-us", "0"));
            Assert.Equal("*2\r\n$25\r\npubsub-round-pause-max-us\r\n$1\r\n0\r\n", client.Call("CONFIG", "GET", "pubsub-round-pause-max-us"));
            Assert.StartsWith("-ERR CONFIG SET failed (possibly related to argument 'pubsub-round-pause-max-us') - argument must be between 0 and 1000000 inclusive",
                client.Call("CONFIG", "SET", "pubsub-round-pause-max-us", "1000001"));
            Assert.StartsWith("-ERR CONFIG SET failed (possibly related to argument 'pubsub-round-pause-max-us') - argument couldn't be parsed into an integer",
                client.Call("CONFIG", "SET", "pubsub-round-pause-max-us", "soon"));
        }
        finally
        {
            await node.DisposeAsync();
        }
    }

    private static async Task SubscribeAsync(NetworkStream stream)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"*2\r\n$9\r\nSUBSCRIBE\r\n${Channel.Length}\r\n{Channel}\r\n"));
        byte[] confirmation = Encoding.ASCII.GetBytes($"*3\r\n$9\r\nsubscribe\r\n${Channel.Length}\r\n{Channel}\r\n:1\r\n");
        byte[] buffer = new byte[confirmation.Length];
        await stream.ReadExactlyAsync(buffer);
        Assert.Equal(confirmation, buffer);
    }

    private static async Task ReadInOrderAsync(NetworkStream stream, CancellationToken token)
    {
        string header = $"*3\r\n$7\r\nmessage\r\n${Channel.Length}\r\n{Channel}\r\n${PayloadSize}\r\n";
        byte[] frame = new byte[header.Length + PayloadSize + 2];
        for (int expected = 0; expected < Messages; expected++)
        {
            await stream.ReadExactlyAsync(frame, token);
            Assert.Equal(expected, int.Parse(Encoding.ASCII.GetString(frame, header.Length, 8), CultureInfo.InvariantCulture));
        }
    }
}
