using System.Globalization;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Hosting;

/// <summary>
/// The node reads appsettings.json once, at start; it must not watch its working directory for changes, since .NET's
/// watch covers the whole tree below it (every directory on the machine for a service started in /).
/// </summary>
public class ConfigurationWatchTests
{
    [LinuxFact]
    public async Task A_running_node_holds_no_inotify_watches()
    {
        // The working directory (this test's output folder) has subdirectories, which a reload watch would cover.
        Assert.NotEmpty(Directory.GetDirectories(Environment.CurrentDirectory));
        using RunningNode node = await RunningNode.StartAsync("--port", NodeProcess.FreePort().ToString(CultureInfo.InvariantCulture));
        Assert.Equal(0, InotifyWatches(node.Pid));
    }

    /// <summary>Each inotify watch is an "inotify wd:" line in the fdinfo of the process's inotify descriptors.</summary>
    private static int InotifyWatches(int pid) =>
        Directory.GetFiles($"/proc/{pid}/fdinfo")
            .Sum(info =>
            {
                try
                {
                    return File.ReadLines(info).Count(line => line.StartsWith("inotify wd:", StringComparison.Ordinal));
                }
                catch (IOException)
                {
                    return 0; // the descriptor closed meanwhile
                }
            });
}
