using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
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
        foreach (string flag in new[] { "--port", "--bind", "--requirepass", "--databases", "--maxclients", "--proto-max-bulk-len", "--trace-query-text" })
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
        Assert.True(stdout.Trim().Length == 0, "a taken port is one line, not a logged stack trace: " + stdout);
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
        Assert.True(stdout.Trim().Length == 0, "a taken port is one line, not a logged stack trace: " + stdout);
    }

    [Fact]
    public void Exit_on_stdin_close_takes_yes_or_no()
    {
        (int exit, string stdout, string stderr) = NodeProcess.RunToExit(Deadline, "--exit-on-stdin-close", "maybe");
        Assert.Equal(1, exit);
        Assert.Equal("error: invalid value 'maybe' for --exit-on-stdin-close (Redis:ExitOnStdinClose): argument must be yes or no", stderr.Trim());
    }

    [Fact(Timeout = 120_000)]
    public async Task With_exit_on_stdin_close_the_node_stops_when_its_input_closes()
    {
        int port = NodeProcess.FreePort();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { NodeProcess.NodeDll, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--exit-on-stdin-close", "yes" })
        {
            info.ArgumentList.Add(arg);
        }
        var output = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using Process node = Process.Start(info)!;
        void Collect(string? line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
            if (line?.StartsWith("Ready to accept connections", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        }
        node.OutputDataReceived += (_, e) => Collect(e.Data);
        node.ErrorDataReceived += (_, e) => Collect(e.Data);
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(Deadline);
            using (RawClient client = RawClient.Connect(port))
            {
                Assert.Equal("+PONG\r\n", client.Call("PING"));
            }
            // What a supervisor's death does to the pipe it held.
            node.StandardInput.Close();
            Assert.True(node.WaitForExit(TimeSpan.FromSeconds(30)), "the node still runs 30 s after its input closed:\n" + output);
            Assert.Equal(0, node.ExitCode);
            lock (output)
            {
                Assert.Contains("Standard input closed: stopping (--exit-on-stdin-close yes)", output.ToString());
            }
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill();
            }
        }
    }
}
