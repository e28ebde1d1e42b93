using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using RedisClone.AppHost.Model;

namespace RedisClone.AppHost.Orchestration;

/// <summary>
/// Runs one node process for as long as the AppHost runs: prefixes its output with its name, restarts it after an
/// exit it did not ask for (with <see cref="RestartBackoff"/>, counted), and stops it (SIGTERM, then a kill after the
/// grace period) when the AppHost stops.
/// </summary>
internal sealed partial class NodeSupervisor
{
    private readonly ProjectResource _resource;
    private readonly NodeLaunch _launch;
    private readonly ConsoleView _view;
    private readonly RestartBackoff _backoff;
    private readonly TimeSpan _stopGrace;
    private readonly Action _changed;
    private readonly Lock _lock = new();
    private Process? _process;
    private string _state = ResourceStates.Starting;
    private string _health = "-";
    private int _restarts;
    private string? _lastError;

    public NodeSupervisor(ProjectResource resource, NodeLaunch launch, ConsoleView view, RestartBackoff backoff, TimeSpan stopGrace, Action changed)
    {
        _resource = resource;
        _launch = launch;
        _view = view;
        _backoff = backoff;
        _stopGrace = stopGrace;
        _changed = changed;
        Resp = resource.GetEndpoint("resp") is { } resp ? $"{resp.Scheme}://{EndpointValue.RunModeHost}:{resp.TargetPort}" : "";
        Gossip = resource.GetEndpoint("gossip") is { } gossip ? $"{gossip.Scheme}://{EndpointValue.RunModeHost}:{gossip.TargetPort}" : "";
        HealthUrl = new Uri($"http://{EndpointValue.RunModeHost}:{resource.GetEndpoint("http").TargetPort}/health");
    }

    public string Name => _resource.Name;

    public string Resp { get; }

    public string Gossip { get; }

    public Uri HealthUrl { get; }

    /// <summary>The PID of the running process, while there is one that announced it is ready.</summary>
    public int? ReadyPid
    {
        get
        {
            lock (_lock)
            {
                return _state == ResourceStates.Running ? _process?.Id : null;
            }
        }
    }

    public ResourceSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new ResourceSnapshot(Name, _state, _process?.Id, Resp, Gossip, _health, _restarts);
        }
    }

    /// <summary>Records a health probe's answer, unless the process it asked has gone since.</summary>
    public void SetHealth(int pid, string health)
    {
        lock (_lock)
        {
            if (_process?.Id != pid || _state != ResourceStates.Running || _health == health)
            {
                return;
            }
            _health = health;
        }
        _changed();
    }

    /// <summary>Runs and restarts the node until <paramref name="stopping"/>; <paramref name="abort"/> cuts the stop's grace short.</summary>
    public async Task RunAsync(CancellationToken stopping, CancellationToken abort)
    {
        bool first = true;
        while (!stopping.IsCancellationRequested)
        {
            if (!first)
            {
                lock (_lock)
                {
                    _restarts++;
                }
            }
            first = false;
            Process? process = Start();
            if (process is null)
            {
                if (!await WaitBeforeRestart(TimeSpan.Zero, stopping))
                {
                    break;
                }
                continue;
            }
            var started = Stopwatch.StartNew();
            try
            {
                await process.WaitForExitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await StopAsync(process, abort).ConfigureAwait(false);
                break;
            }
            ReportExit(process, started.Elapsed, stopping, out TimeSpan uptime);
            if (stopping.IsCancellationRequested || !await WaitBeforeRestart(uptime, stopping))
            {
                break;
            }
        }
        SetState(ResourceStates.Finished, process: null);
    }

    /// <summary>Last resort when the AppHost is going down some other way: no node may outlive it.</summary>
    public void KillNow()
    {
        Process? process;
        lock (_lock)
        {
            process = _process;
        }
        try
        {
            if (process is not null && !process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
    }

    private Process? Start()
    {
        SetState(ResourceStates.Starting, process: null);
        lock (_lock)
        {
            _lastError = null;
        }
        try
        {
            var process = new Process { StartInfo = _launch.StartInfo() };
            process.OutputDataReceived += (_, e) => OnOutput(e.Data, error: false);
            process.ErrorDataReceived += (_, e) => OnOutput(e.Data, error: true);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            SetState(ResourceStates.Starting, process);
            _view.Announce($"{Name}: started (pid {process.Id}), RESP {Resp}, gossip {Gossip}");
            return process;
        }
        catch (Win32Exception ex)
        {
            SetState(ResourceStates.FailedToStart, process: null);
            _view.Announce($"{Name}: cannot start {_launch.FileName} {string.Join(' ', _launch.Arguments)}: {ex.Message}");
            return null;
        }
    }

    private void OnOutput(string? line, bool error)
    {
        if (line is null)
        {
            return;
        }
        _view.Log(Name, line);
        if (error && line.StartsWith("error:", StringComparison.Ordinal))
        {
            lock (_lock)
            {
                _lastError = line;
            }
        }
        else if (!error && line.StartsWith("Ready to accept connections", StringComparison.Ordinal))
        {
            bool changed;
            lock (_lock)
            {
                changed = _state == ResourceStates.Starting;
                if (changed)
                {
                    _state = ResourceStates.Running;
                }
            }
            if (changed)
            {
                _changed();
            }
        }
    }

    private void ReportExit(Process process, TimeSpan elapsed, CancellationToken stopping, out TimeSpan uptime)
    {
        uptime = elapsed;
        int code = process.ExitCode;
        SetState(stopping.IsCancellationRequested ? ResourceStates.Stopping : ResourceStates.Restarting, process: null);
        process.Dispose();
        string? error;
        lock (_lock)
        {
            error = _lastError;
        }
        if (stopping.IsCancellationRequested)
        {
            // Ctrl+C in a terminal reaches the nodes too; an exit now is part of stopping, not a crash.
            _view.Announce($"{Name}: exited with code {code} while stopping");
            return;
        }
        if (error is not null && PortInUse().Match(error) is { Success: true } inUse)
        {
            _view.Announce($"{Name}: port {inUse.Groups["port"].Value} is in use ({inUse.Groups["flags"].Value}); the node cannot start");
        }
        else
        {
            string seconds = elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
            _view.Announce($"{Name}: exited with code {code} after {seconds} s{(error is null ? "" : $" ({error})")}");
        }
    }

    /// <summary>Waits the backoff delay; false when the AppHost is stopping meanwhile.</summary>
    private async Task<bool> WaitBeforeRestart(TimeSpan uptime, CancellationToken stopping)
    {
        TimeSpan delay = _backoff.Next(uptime);
        int restart;
        lock (_lock)
        {
            restart = _restarts + 1;
        }
        _view.Announce($"{Name}: restarting in {delay.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s (restart {restart})");
        try
        {
            await Task.Delay(delay, stopping).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task StopAsync(Process process, CancellationToken abort)
    {
        SetState(ResourceStates.Stopping, process);
        bool asked = ProcessSignals.Terminate(process);
        bool killed = false;
        if (asked)
        {
            using var grace = CancellationTokenSource.CreateLinkedTokenSource(abort);
            grace.CancelAfter(_stopGrace);
            try
            {
                await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                killed = true;
            }
        }
        else
        {
            // No SIGTERM here (Windows), or the process is already gone.
            killed = !process.HasExited;
        }
        if (killed)
        {
            KillNow();
        }
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        _view.Announce(killed
            ? $"{Name}: killed{(abort.IsCancellationRequested ? "" : asked ? $" after {_stopGrace.TotalSeconds} s without stopping" : "")}"
            : $"{Name}: stopped (exit code {process.ExitCode})");
        SetState(ResourceStates.Finished, process: null);
        process.Dispose();
    }

    /// <summary>Moves to <paramref name="state"/> with <paramref name="process"/> as the current process (null: none).</summary>
    private void SetState(string state, Process? process)
    {
        lock (_lock)
        {
            _process = process;
            _state = state;
            _health = "-";
        }
        _changed();
    }

    [GeneratedRegex(@"^error: port (?<port>\d+) is already in use on .* \((?<flags>[^)]*)\)$")]
    private static partial Regex PortInUse();
}
