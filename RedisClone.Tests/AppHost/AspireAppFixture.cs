using System.Globalization;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.AppHost;

/// <summary>
/// RedisClone.AppHost started by Aspire.Hosting.Testing as `dotnet run --project RedisClone.AppHost` starts it (DCP,
/// project resources, health checks, the AppHost's own restart and dashboard properties), on random ports, with its
/// telemetry sent to an <see cref="OtlpReceiver"/> in place of the dashboard, and the chat sample (chat1 on node1,
/// chat2 on node3).
/// </summary>
public sealed class AspireAppFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    public DistributedApplication App { get; private set; } = null!;

    public OtlpReceiver Telemetry { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Telemetry = await OtlpReceiver.StartAsync();
        App = await StartAsync($"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL={Telemetry.GrpcEndpoint}");
        foreach (string resource in new[] { "node1", "node2", "node3", "pubsub", "chat1", "chat2" })
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource).WaitAsync(StartTimeout);
        }
    }

    /// <summary>Builds and starts the AppHost with <paramref name="args"/> (its command line).</summary>
    public static async Task<DistributedApplication> StartAsync(params string[] args)
    {
        IDistributedApplicationTestingBuilder builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.RedisClone_AppHost>(args);
        DistributedApplication app = await builder.BuildAsync();
        await app.StartAsync().WaitAsync(StartTimeout);
        return app;
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
        if (Telemetry is not null)
        {
            await Telemetry.DisposeAsync();
        }
    }

    /// <summary>Node <paramref name="node"/>'s RESP port, as allocated for this run.</summary>
    public static int RespPort(DistributedApplication app, string node) => app.GetEndpoint(node, "resp").Port;

    /// <summary>INFO server's process_id of a node, or null while it does not answer (Aspire's proxy accepts while the node is down).</summary>
    public static int? ProcessId(DistributedApplication app, string node)
    {
        try
        {
            using RawClient client = RawClient.Connect(RespPort(app, node));
            Match pid = Regex.Match(client.Call("INFO", "server"), @"process_id:(\d+)");
            return pid.Success ? int.Parse(pid.Groups[1].Value, CultureInfo.InvariantCulture) : null;
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Waits until <paramref name="node"/>'s INFO gossip shows every one of <paramref name="peers"/> alive with its link up.</summary>
    public static async Task WaitForLivePeers(DistributedApplication app, string node, params string[] peers)
    {
        string info = "";
        try
        {
            await ClusterFixture.WaitUntil(() =>
            {
                try
                {
                    using RawClient client = RawClient.Connect(RespPort(app, node));
                    info = client.Call("INFO", "gossip");
                }
                catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or OperationCanceledException)
                {
                    return false;
                }
                return peers.All(peer => Regex.IsMatch(info, $@"name={peer},address=[^,]*,state=alive,link=up"));
            }, $"{node} to see {string.Join(" and ", peers)} alive with links up", seconds: 60);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nlast INFO gossip of {node}:\n{info}", ex);
        }
    }

    /// <summary>The value of a resource property in the resource's latest snapshot (what the dashboard shows), or null.</summary>
    public static string? Property(DistributedApplication app, string resource, string name) =>
        app.ResourceNotifications.TryGetCurrentState(resource, out ResourceEvent? state)
            ? state.Snapshot.Properties.FirstOrDefault(p => p.Name == name)?.Value?.ToString()
            : null;

    /// <summary>True when no process runs as <paramref name="pid"/> any more (gone, or a zombie waiting to be reaped).</summary>
    public static bool ProcessGone(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            char state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state is 'Z' or 'X';
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }
}
