using System.Diagnostics;
using System.Text;

namespace RedisClone.Tests.Infrastructure;

/// <summary>
/// A program on a pseudo-terminal (clients/python/pty_bridge.py), driven as a person at a terminal drives it: keys go
/// in, the screen output (escape sequences included) comes back. Used for redis-cli's interactive mode and --stat,
/// which behave differently without a terminal. Dispose kills the bridge and the program by their PIDs.
/// </summary>
public sealed class TerminalSession : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _screen = new();
    private readonly Task _reader;
    private int _mark;

    private TerminalSession(Process process)
    {
        _process = process;
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>Why a terminal session cannot run here, or null.</summary>
    public static string? MissingReason() =>
        File.Exists(Python) ? null : "/usr/bin/python3 (Debian's python3, for its pty module) is not installed";

    private static string Python => "/usr/bin/python3";

    public static TerminalSession Start(int columns, int rows, string program, params string[] args)
    {
        var info = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])[RepositoryPaths.Clients("python", "pty_bridge.py"), columns.ToString(System.Globalization.CultureInfo.InvariantCulture), rows.ToString(System.Globalization.CultureInfo.InvariantCulture), program, .. args])
        {
            info.ArgumentList.Add(arg);
        }
        return new TerminalSession(Process.Start(info)!);
    }

    /// <summary>Everything the program has shown so far.</summary>
    public string Screen
    {
        get
        {
            lock (_screen)
            {
                return _screen.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Types <paramref name="keys"/> (a carriage return is Enter); later waits look only at output from here on.</summary>
    public void Type(string keys)
    {
        lock (_screen)
        {
            _mark = _screen.Length;
        }
        _process.StandardInput.Write(keys);
        _process.StandardInput.Flush();
    }

    /// <summary>Waits until the output since the last <see cref="Type"/> satisfies <paramref name="condition"/>; returns that output.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> condition, string what, int seconds = 20)
    {
        string since = "";
        try
        {
            await ClusterFixture.WaitUntil(() =>
            {
                lock (_screen)
                {
                    since = _screen.ToString(_mark, _screen.Length - _mark);
                }
                return condition(since);
            }, what, seconds);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; the terminal showed since the last keys:\n{Printable(since)}", ex);
        }
        return since;
    }

    public Task<string> WaitForTextAsync(string text, int seconds = 20) =>
        WaitForAsync(s => s.Contains(text, StringComparison.Ordinal), $"'{Printable(text)}' on the terminal", seconds);

    /// <summary>Terminal output with escape characters made visible, for failure messages.</summary>
    public static string Printable(string text) => text.Replace("\x1b", "\\e", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);

    private async Task ReadAsync()
    {
        char[] buffer = new char[4096];
        int read;
        while ((read = await _process.StandardOutput.ReadAsync(buffer)) > 0)
        {
            lock (_screen)
            {
                _screen.Append(buffer, 0, read);
            }
        }
    }

    public async Task<int> WaitForExitAsync(int seconds = 20)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        await _process.WaitForExitAsync(deadline.Token);
        await _reader;
        return _process.ExitCode;
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
