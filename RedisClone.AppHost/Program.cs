using RedisClone.AppHost;
using RedisClone.AppHost.Model;
using RedisClone.AppHost.Orchestration;
using RedisClone.AppHost.Publishing;

if (AppHostOptions.WantsHelp(args))
{
    Console.Write(AppHostOptions.Help());
    return 0;
}
AppHostOptions options;
try
{
    options = AppHostOptions.Parse(args);
}
catch (AppHostOptions.UsageException ex)
{
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return 1;
}

DashboardSettings dashboard = DashboardSettings.FromEnvironment(Environment.GetEnvironmentVariable);
AppModel model = ClusterTopology.Build(options, new Projects.RedisClone_Node(), dashboard, ClusterTopology.RandomInstanceId);

if (options.IsPublishMode)
{
    string written = ManifestPublisher.Publish(model, options.OutputPath!);
    Console.WriteLine($"Wrote the manifest of {model.Resources.Count} nodes to {written}");
    return 0;
}

int sourceWidth = model.Resources.Select(r => r.Name.Length).Append(ConsoleView.AppHostSource.Length).Max();
var view = ConsoleView.ForConsole(sourceWidth);
string[] banner =
[
    $"RedisClone.AppHost (pid {Environment.ProcessId}, {dashboard.EnvironmentName}): {options.Nodes} nodes, RESP ports " +
        $"{options.RespPort(1)}-{options.RespPort(options.Nodes)}, gossip +{AppHostOptions.GossipPortOffset}, /health on +{AppHostOptions.HttpPortOffset}",
    dashboard.Describe(),
    "Ctrl+C or SIGTERM stops every node",
];
return await new Orchestrator(model, view).RunAsync(banner);
