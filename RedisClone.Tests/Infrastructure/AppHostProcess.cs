using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RedisClone.AppHost.Orchestration;

namespace RedisClone.Tests.Infrastructure;

/// <summary>
/// RedisClone.AppHost run as a user runs it (the built dll next to the tests), with its output collected. Dispose
/// kills it and whatever it started, should a test end before stopping it.
/// </summary>
public sealed class AppHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AppHostProcess(Process process)
    {
        _process = process;
    }

    public static string AppHostDll => Path.Combine(AppContext.BaseDirectory, "RedisClone.AppHost.dll");

    public int Pid => _process.Id;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public IReadOnlyList<string> OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();

    /// <summary>
    /// Starts the AppHost. The dashboard variables of the test's own environment are removed, then
    /// <paramref name="environment"/> is applied, so only what the test gives reaches the AppHost.
    /// </summary>
    public static AppHostProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string inherited in new[] { "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", "DOTNET_DASHBOARD_OTLP_ENDPOINT_URL", "ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", "DOTNET_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", "AppHost__OtlpApiKey", "OTEL_EXPORTER_OTLP_ENDPOINT" })
        {
            info.Environment.Remove(inherited);
        }
        foreach ((string name, string value) in environment)
        {
            info.Environment[name] = value;
        }
        info.ArgumentList.Add(AppHostDll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        var host = new AppHostProcess(Process.Start(info)!);
        host._process.OutputDataReceived += (_, e) => host.Collect(e.Data);
        host._process.ErrorDataReceived += (_, e) => host.Collect(e.Data);
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        return host;
    }

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Append(line).Append('\n');
        }
    }

    /// <summary>Waits for an output line that <paramref name="matches"/>; fails with the whole output if none comes.</summary>
    public async Task<string> WaitForLine(Func<string, bool> matches, string what, int seconds = 120)
    {
        string? found = null;
        await WaitUntil(() => (found = OutputLines.FirstOrDefault(matches)) is not null, what, seconds);
        return found!;
    }

    /// <summary><see cref="ClusterFixture.WaitUntil"/>, with the AppHost's output in the failure message.</summary>
    public async Task WaitUntil(Func<bool> condition, string what, int seconds = 120)
    {
        try
        {
            await ClusterFixture.WaitUntil(
                () => _process.HasExited ? throw new InvalidOperationException($"the AppHost exited ({_process.ExitCode}) while waiting for {what}:\n{Output}") : condition(),
                what, seconds);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; the AppHost {(_process.HasExited ? $"exited with {_process.ExitCode}" : "is running")}, its output:\n{Output}", ex);
        }
    }

    /// <summary>Waits until node K of the AppHost on <paramref name="basePort"/> answers /health with Healthy.</summary>
    public async Task WaitHealthy(int basePort, int nodes, int seconds = 120)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (int k = 1; k <= nodes; k++)
        {
            var health = new Uri($"http://127.0.0.1:{HttpPort(basePort, k)}/health");
            string last = "";
            try
            {
                await WaitUntil(() =>
                {
                    try
                    {
                        last = http.GetStringAsync(health).GetAwaiter().GetResult();
                    }
                    catch (HttpRequestException ex)
                    {
                        last = ex.Message;
                    }
                    catch (TaskCanceledException ex)
                    {
                        last = ex.Message;
                    }
                    return last == "Healthy";
                }, $"node{k}'s {health} to answer Healthy", seconds);
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"{ex.Message} (its last answer: {last})", ex);
            }
        }
    }

    /// <summary>SIGTERM, as a service manager stops the AppHost.</summary>
    public void Terminate() => Assert.True(ProcessSignals.Terminate(_process), "SIGTERM could not be sent to the AppHost");

    /// <summary>Waits for the AppHost to exit and, once it has, for the last of its output to be collected.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            return false;
        }
        // Only the overload without a timeout waits for the redirected output to reach its end.
        _process.WaitForExit();
        return true;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(30));
        }
        _process.Dispose();
    }

    public static int RespPort(int basePort, int node) => basePort + node - 1;

    public static int GossipPort(int basePort, int node) => RespPort(basePort, node) + 10000;

    public static int HttpPort(int basePort, int node) => RespPort(basePort, node) + 20000;

    /// <summary>
    /// A base port whose RESP, gossip and HTTP ports for <paramref name="nodes"/> nodes are all free now. Bases are
    /// drawn from 7000-11999, so every port stays under 32768, below the ephemeral range other tests' port 0 uses.
    /// </summary>
    public static int FreeBasePort(int nodes)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            int basePort = Random.Shared.Next(7000, 12000);
            if (Enumerable.Range(1, nodes).All(k => IsFree(RespPort(basePort, k)) && IsFree(GossipPort(basePort, k)) && IsFree(HttpPort(basePort, k))))
            {
                return basePort;
            }
        }
        throw new InvalidOperationException("no free base port found");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// True when no RedisClone node runs as <paramref name="pid"/>: no such process, a zombie waiting to be reaped, or
    /// the PID reused by something else.
    /// </summary>
    public static bool NodeProcessGone(int pid)
    {
        string proc = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}";
        if (!OperatingSystem.IsLinux())
        {
            try
            {
                using Process process = Process.GetProcessById(pid);
                return process.HasExited;
            }
            catch (ArgumentException)
            {
                return true;
            }
        }
        try
        {
            string stat = File.ReadAllText($"{proc}/stat");
            // "pid (comm) S ...": the state letter follows the command name's closing parenthesis.
            char state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state is 'Z' or 'X' || !File.ReadAllText($"{proc}/cmdline").Contains("RedisClone.Node.dll", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }
}
