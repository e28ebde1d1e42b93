using System.Globalization;
using RedisClone.Tests.Infrastructure;
using RedisClone.Tests.Security;

namespace RedisClone.Tests.Lists;

/// <summary>
/// Blocked clients cost no thread and no CPU: a node process with hundreds of clients blocked in BLPOP (some with a
/// timeout far away) keeps its thread count and stays idle, then serves every one of them, in order, when pushed to.
/// Measured on a separate node process through /proc, so the test process's own threads do not count.
/// </summary>
public sealed class BlockingResourceTests
{
    private const int Blocked = 300;

    [Fact]
    public async Task Blocked_clients_cost_no_thread_and_no_cpu_and_are_all_served()
    {
        using RunningNode node = await RunningNode.StartAsync("--port", "0");
        int port = NodeOutput.Port(node);
        using RawClient admin = RawClient.Connect(port);
        var clients = new List<RawClient>();
        try
        {
            for (int i = 0; i < Blocked; i++)
            {
                clients.Add(RawClient.Connect(port));
                clients[i].Call("PING"); // connected and served once, so its connection is fully set up
            }
            int threadsBefore = Threads(node.Pid);
            for (int i = 0; i < Blocked; i++)
            {
                clients[i].Command("BLPOP", "jobs", i % 2 == 0 ? "0" : "3600");
            }
            DateTime deadline = DateTime.UtcNow.AddSeconds(20);
            while (!admin.Call("INFO", "clients").Contains($"blocked_clients:{Blocked}\r\n", StringComparison.Ordinal))
            {
                Assert.True(DateTime.UtcNow < deadline, "the clients did not all block");
            }
            int threadsBlocked = Threads(node.Pid);
            // Two windows, the quieter one counts: background JIT (tiering up) or a GC may land in one of them, while
            // polling blocked clients would cost CPU in both. The windows are what is measured, not a wait for a condition.
            double cpuUsed = double.MaxValue;
            for (int window = 0; window < 2; window++)
            {
                double cpuBefore = CpuSeconds(node.Pid);
                await Task.Delay(TimeSpan.FromSeconds(1.5));
                cpuUsed = Math.Min(cpuUsed, CpuSeconds(node.Pid) - cpuBefore);
            }

            Assert.True(threadsBlocked <= threadsBefore + 8, $"threads went from {threadsBefore} to {threadsBlocked} with {Blocked} clients blocked");
            Assert.True(cpuUsed < 0.2, $"the node used {cpuUsed:F2} s of CPU in 1.5 s with every client blocked");

            var elements = Enumerable.Range(0, Blocked).Select(i => "job" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal($":{Blocked}\r\n", admin.Call(["RPUSH", "jobs", .. elements]));
            for (int i = 0; i < Blocked; i++)
            {
                // First blocked, first served: client i gets element i.
                Assert.Equal($"*2\r\n$4\r\njobs\r\n${elements[i].Length}\r\n{elements[i]}\r\n", clients[i].ReadReply());
            }
            Assert.Contains("blocked_clients:0\r\n", admin.Call("INFO", "clients"), StringComparison.Ordinal);
            Assert.Equal(":0\r\n", admin.Call("EXISTS", "jobs"));
        }
        finally
        {
            foreach (RawClient client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static int Threads(int pid) =>
        int.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Threads:", StringComparison.Ordinal))[8..].Trim(), CultureInfo.InvariantCulture);

    /// <summary>User plus system CPU time of the process (fields 14 and 15 of /proc/pid/stat, in clock ticks of 1/100 s).</summary>
    private static double CpuSeconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }
}
