using System.Diagnostics;
using System.Text;

namespace RedisClone.Tests.Infrastructure;

/// <summary>A node process started by a test and stopped by it (by its own PID, never anyone else's).</summary>
public sealed class RunningNode : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RunningNode(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

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

    public static Task<RunningNode> StartAsync(params string[] args) => StartAsync(new Dictionary<string, string>(), args);

    /// <summary>
    /// Starts a node with extra environment variables (OTEL_*, say) on top of this process's; an empty value removes
    /// the variable, so the node sees it unset.
    /// </summary>
    public static Task<RunningNode> StartAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        StartInAsync(null, environment, args);

    /// <summary>Starts a node in <paramref name="workingDirectory"/> (where it looks for appsettings.json); null: this process's.</summary>
    public static async Task<RunningNode> StartInAsync(string? workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }
        foreach ((string name, string value) in environment)
        {
            if (value.Length == 0)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }
        info.ArgumentList.Add(NodeProcess.NodeDll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        var node = new RunningNode(Process.Start(info)!);
        node._process.OutputDataReceived += (_, e) => node.Collect(e.Data);
        node._process.ErrorDataReceived += (_, e) => node.Collect(e.Data);
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        try
        {
            await node._ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            node.Dispose();
            throw new TimeoutException("the node did not become ready: " + node.Output);
        }
        return node;
    }

    private void Collect(string? line)
    {
        if (line is null)
        {
            _ready.TrySetException(new InvalidOperationException("the node exited: " + Output));
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
        if (line.StartsWith("Ready to accept connections", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Sends a signal (TERM, STOP, CONT, KILL) to this node's process, by its own PID.</summary>
    public void Signal(string name)
    {
        using Process kill = Process.Start(new ProcessStartInfo("kill", ["-" + name, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        if (kill.ExitCode != 0 && !_process.HasExited)
        {
            throw new InvalidOperationException($"kill -{name} {Pid} failed with exit code {kill.ExitCode}");
        }
    }

    public bool WaitForExit(TimeSpan deadline) => _process.WaitForExit(deadline);

    /// <summary>Kills the process at once, as a crash would.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
