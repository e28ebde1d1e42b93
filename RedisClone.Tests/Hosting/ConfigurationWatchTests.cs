using System.Globalization;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Hosting;

/// <summary>
/// The node reads appsettings.json once, at start, and must not watch its working directory for changes, since .NET's
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

    [Fact(Timeout = 60_000)]
    public async Task Appsettings_json_in_the_working_directory_is_still_read_at_start()
    {
        string directory = Directory.CreateTempSubdirectory("redisclone-appsettings-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "appsettings.json"), "{ \"Redis\": { \"Databases\": 4 } }");
            int port = NodeProcess.FreePort();
            using RunningNode node = await RunningNode.StartInAsync(directory, new Dictionary<string, string>(), "--port", port.ToString(CultureInfo.InvariantCulture));
            using RawClient client = RawClient.Connect(port);
            Assert.Equal("*2\r\n$9\r\ndatabases\r\n$1\r\n4\r\n", client.Call("CONFIG", "GET", "databases"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
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
