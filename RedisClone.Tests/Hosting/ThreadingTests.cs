using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Hosting;

/// <summary>
/// The node runs every connection on one socket thread, as Redis runs one event loop, unless the runtime's own
/// variable says otherwise. Seen from outside as a user would: the process's threads in /proc.
/// </summary>
public class ThreadingTests
{
    private const string EngineThreads = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    [LinuxFact]
    public async Task A_node_started_without_the_variables_has_one_socket_thread()
    {
        // This test process sets both for itself (ShippingIoMode); the node must not merely inherit them.
        var unset = new Dictionary<string, string> { [EngineThreads] = "", [InlineCompletions] = "" };
        using RunningNode node = await RunningNode.StartAsync(unset, "--port", NodeProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, SocketThreads(node.Pid));
    }

    [LinuxFact]
    public async Task The_runtime_variable_still_decides_the_number_of_socket_threads()
    {
        var two = new Dictionary<string, string> { [EngineThreads] = "2", [InlineCompletions] = "" };
        using RunningNode node = await RunningNode.StartAsync(two, "--port", NodeProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2, SocketThreads(node.Pid));
    }

    /// <summary>The runtime names its socket engine threads ".NET Sockets".</summary>
    private static int SocketThreads(int pid) =>
        Directory.GetDirectories($"/proc/{pid}/task")
            .Select(task => File.ReadAllText(Path.Combine(task, "comm")).Trim())
            .Count(name => name == ".NET Sockets");
}

/// <summary>Runs only on Linux, where /proc shows a process's threads; elsewhere the test is skipped and says why.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "reads the node's threads from /proc, which only Linux has";
        }
    }
}
