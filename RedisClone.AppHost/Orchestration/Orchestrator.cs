using System.Runtime.InteropServices;
using RedisClone.AppHost.Model;

namespace RedisClone.AppHost.Orchestration;

/// <summary>
/// Run mode: starts a supervisor per resource, probes health and keeps the table current until Ctrl+C, SIGTERM or
/// SIGHUP; then stops every node and returns once none is left. A second signal skips the nodes' grace period.
/// </summary>
internal sealed class Orchestrator(AppModel model, ConsoleView view)
{
    /// <summary>How long a node may take to stop after SIGTERM before it is killed.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    public async Task<int> RunAsync(IEnumerable<string> banner)
    {
        foreach (ProjectResource resource in model.Resources)
        {
            if (!File.Exists(resource.Project.TargetPath))
            {
                await Console.Error.WriteLineAsync($"error: {resource.Name}'s project is not built: {resource.Project.TargetPath} is missing (dotnet build RedisClone.sln)");
                return 1;
            }
        }

        using var stopping = new CancellationTokenSource();
        using var abort = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            if (stopping.IsCancellationRequested)
            {
                view.Announce($"{context.Signal} again: killing every node now");
                _ = Task.Run(abort.Cancel);
                return;
            }
            view.Announce($"{context.Signal}: stopping every node");
            _ = Task.Run(stopping.Cancel);
        }
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using PosixSignalRegistration hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);

        foreach (string line in banner)
        {
            view.Announce(line);
        }
        var supervisors = new List<NodeSupervisor>();
        void Changed() => view.ShowTable(supervisors.Select(s => s.Snapshot()).ToList());
        foreach (ProjectResource resource in model.Resources)
        {
            supervisors.Add(new NodeSupervisor(resource, NodeLaunch.For(resource), view, RestartBackoff.Default(), StopGrace, Changed));
        }
        // Whatever ends the AppHost, no node may be left running.
        void KillAll(object? sender, EventArgs e) => supervisors.ForEach(s => s.KillNow());
        AppDomain.CurrentDomain.ProcessExit += KillAll;
        try
        {
            Task all = Task.WhenAll(supervisors.Select(s => Task.Run(() => s.RunAsync(stopping.Token, abort.Token))));
            using var probe = new HealthProbe();
            while (!all.IsCompleted)
            {
                await Task.WhenAny(all, Task.Delay(Tick)).ConfigureAwait(false);
                if (!stopping.IsCancellationRequested)
                {
                    await probe.ProbeAsync(supervisors, stopping.Token).ConfigureAwait(false);
                }
                view.ShowTable(supervisors.Select(s => s.Snapshot()).ToList(), tick: true);
            }
            await all.ConfigureAwait(false);
        }
        finally
        {
            supervisors.ForEach(s => s.KillNow());
            AppDomain.CurrentDomain.ProcessExit -= KillAll;
        }
        view.ShowTable(supervisors.Select(s => s.Snapshot()).ToList(), tick: true);
        view.Detach();
        view.Announce("every node has stopped");
        return 0;
    }
}
