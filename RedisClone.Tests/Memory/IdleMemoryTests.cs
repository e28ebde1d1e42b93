using System.Diagnostics;
using RedisClone.Node.Storage;
using RedisClone.Tests.Infrastructure;
using RedisClone.Tests.Security;

namespace RedisClone.Tests.Memory;

/// <summary>
/// After big transient use, an idle node gives its memory back: its RSS returns to within 50 MB of what it was before,
/// within 10 s (it kept 0.9-2.3 GB for as long as 25 minutes). A node process, its VmRSS read from /proc.
/// </summary>
public sealed class IdleMemoryTests
{
    private const long Slack = 50L * 1024 * 1024;

    [Fact]
    public async Task An_idle_node_returns_to_its_rss_within_10_s_after_big_values_are_deleted()
    {
        if (!File.Exists("/proc/self/status"))
        {
            return; // VmRSS is Linux's
        }
        using RunningNode node = await RunningNode.StartAsync("--port", "0");
        int port = NodeOutput.Port(node);
        using RawClient client = RawClient.Connect(port);
        Assert.Equal("+OK\r\n", client.Call("SET", "warm", "up"));
        long before = Rss(node.Pid);

        string piece = new('x', 10 * 1024 * 1024);
        for (int i = 0; i < 10; i++)
        {
            client.Call("APPEND", "big:append", piece);
        }
        Assert.Equal("+OK\r\n", client.Call("SET", "big:set", new string('y', 50 * 1024 * 1024)));
        long loaded = Rss(node.Pid);
        Assert.Equal(":2\r\n", client.Call("DEL", "big:append", "big:set"));

        var clock = Stopwatch.StartNew();
        long now = Rss(node.Pid);
        while (now > before + Slack && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100); // polling the condition until its deadline
            now = Rss(node.Pid);
        }
        Assert.True(now <= before + Slack,
            $"RSS {now >> 20} MB {clock.Elapsed.TotalSeconds:F1} s after DEL; {before >> 20} MB before loading, {loaded >> 20} MB loaded");
        Assert.Contains("memory_trims:", client.Call("INFO", "memory"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0, true, 0, 2, 2, true)] // quiet, keys changed, the interval passed
    [InlineData(0, 0, false, MemoryTrim.AllocationTrigger, 2, 2, true)] // quiet, much allocated
    [InlineData(0, 0, false, MemoryTrim.AllocationTrigger - 1, 2, 2, false)] // quiet, nothing changed, little allocated
    [InlineData(MemoryTrim.QuietInputBytes - 1, MemoryTrim.QuietCommands - 1, true, 0, 2, 2, true)] // just quiet
    [InlineData(MemoryTrim.QuietInputBytes, 0, true, 0, 2, 2, false)] // receiving: not now
    [InlineData(0, MemoryTrim.QuietCommands, true, 0, 2, 2, false)] // busy: not now
    [InlineData(0, 0, true, 0, 1, 2, false)] // too soon after the last trim
    public void The_trim_rule(long input, long commands, bool changed, long allocated, int sinceSeconds, int intervalSeconds, bool expected) =>
        Assert.Equal(expected, MemoryTrim.ShouldTrim(input, commands, changed, allocated,
            TimeSpan.FromSeconds(sinceSeconds), TimeSpan.FromSeconds(intervalSeconds)));

    [Fact]
    public void A_trim_that_returned_little_doubles_the_wait_up_to_10_minutes_and_one_that_returned_much_resets_it()
    {
        TimeSpan interval = MemoryTrim.MinInterval;
        for (int i = 0; i < 20; i++)
        {
            interval = MemoryTrim.NextInterval(interval, MemoryTrim.WorthwhileReturn - 1);
        }
        Assert.Equal(MemoryTrim.MaxInterval, interval);
        Assert.Equal(MemoryTrim.MinInterval, MemoryTrim.NextInterval(interval, MemoryTrim.WorthwhileReturn));
        Assert.Equal(TimeSpan.FromSeconds(4), MemoryTrim.NextInterval(MemoryTrim.MinInterval, 0));
    }

    private static long Rss(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        throw new InvalidOperationException("no VmRSS for " + pid);
    }
}
