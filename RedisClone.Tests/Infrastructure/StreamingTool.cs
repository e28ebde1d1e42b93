using System.Diagnostics;

namespace RedisClone.Tests.Infrastructure;

/// <summary>
/// A command-line tool that keeps running and printing (redis-cli SUBSCRIBE, MONITOR), its output piped as a script
/// would read it. The test waits on the lines it has printed and stops it by its PID.
/// </summary>
public sealed class StreamingTool : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];

    private StreamingTool(Process process) => _process = process;

    public static StreamingTool Start(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        var tool = new StreamingTool(new Process { StartInfo = info });
        tool._process.OutputDataReceived += (_, e) => tool.Add(e.Data);
        tool._process.ErrorDataReceived += (_, e) => tool.Add(e.Data is null ? null : "stderr: " + e.Data);
        tool._process.Start();
        tool._process.BeginOutputReadLine();
        tool._process.BeginErrorReadLine();
        return tool;
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }
        }
    }

    public List<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Waits until the lines printed so far satisfy <paramref name="condition"/>.</summary>
    public async Task<List<string>> WaitForAsync(Func<List<string>, bool> condition, string what, int seconds = 20)
    {
        try
        {
            await ClusterFixture.WaitUntil(() => condition(Lines), what, seconds);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; printed so far:\n{string.Join('\n', Lines)}", ex);
        }
        return Lines;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
    }
}
