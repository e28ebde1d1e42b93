using System.Globalization;
using System.Net.Sockets;
using System.Text;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.PubSub;

/// <summary>
/// Redis's rule client-output-buffer-limit pubsub 32mb 8mb 60: a subscriber that stops reading is disconnected once
/// over 32 MB, and nobody else notices: every healthy subscriber gets every message, in order.
/// </summary>
public class SlowSubscriberTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private const string Channel = "slow:news";
    private const int PayloadSize = 32 * 1024;
    private const int Messages = 1400; // about 46 MB: well over the 32 MB hard limit plus what the kernel buffers
    private const int HealthySubscribers = 100;

    [Fact(Timeout = 300_000)]
    public async Task A_stalled_subscriber_is_disconnected_and_healthy_ones_get_everything_in_order()
    {
        using var stalled = new TcpClient { ReceiveBufferSize = 4096 };
        await stalled.ConnectAsync("127.0.0.1", node.Port);
        await SubscribeAsync(stalled.GetStream());

        var healthy = new List<TcpClient>();
        for (int i = 0; i < HealthySubscribers; i++)
        {
            var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", node.Port);
            await SubscribeAsync(client.GetStream());
            healthy.Add(client);
        }
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        Task<int>[] readers = healthy.Select(c => ReadInOrderAsync(c.GetStream(), deadline.Token)).ToArray();

        using RawClient publisher = node.Raw();
        string padding = new('p', PayloadSize - 8);
        for (int sent = 0; sent < Messages; sent += 20)
        {
            var batch = new StringBuilder();
            for (int i = sent; i < sent + 20; i++)
            {
                string payload = i.ToString("D8", CultureInfo.InvariantCulture) + padding;
                batch.Append($"*3\r\n$7\r\nPUBLISH\r\n${Channel.Length}\r\n{Channel}\r\n${payload.Length}\r\n{payload}\r\n");
            }
            publisher.Send(batch.ToString());
            for (int i = 0; i < 20; i++)
            {
                string reply = publisher.ReadReply();
                Assert.True(reply is ":101\r\n" or ":100\r\n", reply);
            }
        }

        int[] received = await Task.WhenAll(readers);
        Assert.All(received, count => Assert.Equal(Messages, count));
        Assert.Equal(1, node.Server.PubSub.OutputLimitDisconnections);
        Assert.True(StreamDrain.DrainsToClose(stalled.GetStream()), "the stalled subscriber's connection was not closed");
        Assert.Contains("client_output_buffer_limit_disconnections:1", publisher.Call("INFO", "stats"));
        // What was published went through bounded queues: 4.6 GB delivered, and once every healthy subscriber has read
        // everything the node holds no message bytes for anyone (CLIENT LIST omem). The process heap is no measure:
        // other tests run in this process at the same time.
        await ClusterFixture.WaitUntil(() => OutputBytes(publisher) == 0, "every client's output buffer to be empty");
        foreach (TcpClient client in healthy)
        {
            client.Dispose();
        }
    }

    /// <summary>The sum of CLIENT LIST's omem over this node's clients.</summary>
    private static long OutputBytes(RawClient client)
    {
        string list = client.Call("CLIENT", "LIST");
        return System.Text.RegularExpressions.Regex.Matches(list, @" omem=(\d+) ")
            .Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    private static async Task SubscribeAsync(NetworkStream stream)
    {
        string command = $"*2\r\n$9\r\nSUBSCRIBE\r\n${Channel.Length}\r\n{Channel}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command));
        byte[] confirmation = Encoding.ASCII.GetBytes($"*3\r\n$9\r\nsubscribe\r\n${Channel.Length}\r\n{Channel}\r\n:1\r\n");
        byte[] buffer = new byte[confirmation.Length];
        await stream.ReadExactlyAsync(buffer);
        Assert.Equal(confirmation, buffer);
    }

    /// <summary>Reads message frames (all the same size) and checks their sequence numbers; returns how many arrived.</summary>
    private static async Task<int> ReadInOrderAsync(NetworkStream stream, CancellationToken token)
    {
        string header = $"*3\r\n$7\r\nmessage\r\n${Channel.Length}\r\n{Channel}\r\n${PayloadSize}\r\n";
        byte[] frame = new byte[header.Length + PayloadSize + 2];
        for (int expected = 0; expected < Messages; expected++)
        {
            await stream.ReadExactlyAsync(frame, token);
            int sequence = int.Parse(Encoding.ASCII.GetString(frame, header.Length, 8), CultureInfo.InvariantCulture);
            Assert.Equal(expected, sequence);
        }
        return Messages;
    }
}
