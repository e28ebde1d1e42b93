using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RedisClone.Tests.Infrastructure;

/// <summary>The node as a separate process (the built RedisClone.Node.dll next to the tests), for start-up behaviour.</summary>
public static class NodeProcess
{
    public static string NodeDll => Path.Combine(AppContext.BaseDirectory, "RedisClone.Node.dll");

    /// <summary>Runs the node with <paramref name="args"/> until it exits by itself (or the deadline), returning its output.</summary>
    public static (int ExitCode, string StdOut, string StdErr) RunToExit(TimeSpan deadline, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(NodeDll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(deadline))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the node did not exit within {deadline}: {string.Join(' ', args)}");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// A loopback port that was free a moment ago, below Linux's ephemeral range (32768 and up): a port the kernel hands
    /// out for listening can be taken next by an outgoing connection of another test before the node binds it (it
    /// happened: "port 38951 is already in use"). Never the same port twice in one test process.
    /// </summary>
    public static int FreePort()
    {
        lock (HandedOut)
        {
            for (int attempt = 0; attempt < 1000; attempt++)
            {
                int port = Random.Shared.Next(20_000, 32_000);
                if (HandedOut.Contains(port))
                {
                    continue;
                }
                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                }
                catch (SocketException)
                {
                    continue;
                }
                HandedOut.Add(port);
                return port;
            }
        }
        using var fallback = new TcpListener(IPAddress.Loopback, 0);
        fallback.Start();
        return ((IPEndPoint)fallback.LocalEndpoint).Port;
    }

    private static readonly HashSet<int> HandedOut = [];

    public static string Describe(int exitCode, string stdout, string stderr) =>
        new StringBuilder().Append("exit ").Append(exitCode).Append("\nstdout: ").Append(stdout).Append("\nstderr: ").Append(stderr).ToString();
}
