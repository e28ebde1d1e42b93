using System.Net;
using System.Net.Sockets;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Hosting;

/// <summary>How the node starts, or refuses to, from its command line.</summary>
public class StartupTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public void Help_lists_every_setting_with_its_configuration_key()
    {
        (int exit, string stdout, string stderr) = NodeProcess.RunToExit(Deadline, "--help");
        Assert.True(exit == 0, NodeProcess.Describe(exit, stdout, stderr));
        foreach (string flag in new[] { "--port", "--bind", "--requirepass", "--databases", "--maxclients", "--proto-max-bulk-len" })
        {
            Assert.Contains(flag, stdout);
        }
        Assert.Contains("Redis:Port", stdout);
    }

    [Fact]
    public void An_unknown_flag_stops_the_node_with_one_line_naming_it()
    {
        (int exit, string stdout, string stderr) = NodeProcess.RunToExit(Deadline, "--prot", "6380");
        Assert.Equal(1, exit);
        Assert.Equal("error: unknown option '--prot' (see --help)", stderr.Trim());
    }

    [Fact]
    public void A_bad_value_stops_the_node_with_one_line_naming_the_setting()
    {
        (int exit, string stdout, string stderr) = NodeProcess.RunToExit(Deadline, "--port", "70000");
        Assert.Equal(1, exit);
        Assert.Equal("error: invalid value '70000' for --port (Redis:Port): argument must be between 0 and 65535 inclusive", stderr.Trim());
    }

    [Fact]
    public void A_port_in_use_stops_the_node_with_one_line_naming_it()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        int port = ((IPEndPoint)holder.LocalEndpoint).Port;
        (int exit, string stdout, string stderr) = NodeProcess.RunToExit(Deadline, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(exit == 1, NodeProcess.Describe(exit, stdout, stderr));
        Assert.Equal($"error: port {port} is already in use on 127.0.0.1 (--port / --bind)", stderr.Trim());
    }

    [Theory]
    [InlineData("--http-port")]
    [InlineData("--cluster-port")]
    public void A_taken_http_or_gossip_port_is_the_one_the_error_names(string flag)
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        int taken = ((IPEndPoint)holder.LocalEndpoint).Port;
        string resp = NodeProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        (int exit, string stdout, string stderr) = NodeProcess.RunToExit(Deadline, "--port", resp, flag, taken.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(exit == 1, NodeProcess.Describe(exit, stdout, stderr));
        Assert.Equal($"error: port {taken} is already in use on 127.0.0.1 ({flag})", stderr.Trim());
    }
}
