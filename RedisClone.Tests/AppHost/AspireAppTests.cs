using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RedisClone.Tests.Infrastructure;
using StackExchange.Redis;

namespace RedisClone.Tests.AppHost;

/// <summary>
/// The AppHost as Aspire runs it: every node Healthy, a PUBLISH on node1 delivered on node3 as one trace, the
/// connection string read by Aspire's Redis client, each node's state and commands on the dashboard, and a node
/// killed outright started again by the AppHost. One app serves them all (<see cref="AspireAppFixture"/>).
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class AspireAppTests(AspireAppFixture fixture)
{
    private static readonly TimeSpan MessageDeadline = TimeSpan.FromSeconds(30);
    private static readonly string[] Nodes = ["node1", "node2", "node3"];

    private DistributedApplication App => fixture.App;

    [Fact(Timeout = 300_000)]
    public async Task A_publish_on_node1_reaches_a_subscriber_on_node3_as_one_trace()
    {
        await AspireAppFixture.WaitForLivePeers(App, "node1", "node2", "node3");
        await AspireAppFixture.WaitForLivePeers(App, "node3", "node1", "node2");
        await using ConnectionMultiplexer node1 = await Connect("node1");
        await using ConnectionMultiplexer node3 = await Connect("node3");
        ChannelMessageQueue onNode3 = await node3.GetSubscriber().SubscribeAsync(RedisChannel.Literal("aspire:chan"));
        await node1.GetSubscriber().PublishAsync(RedisChannel.Literal("aspire:chan"), "from node1");
        Assert.Equal("from node1", (string?)(await onNode3.ReadAsync().AsTask().WaitAsync(MessageDeadline)).Message);

        // The dashboard's view: node3's delivery span shares its trace with node1's PUBLISH and forward spans.
        ReceivedSpan deliver = await fixture.Telemetry.WaitForSpan(
            span => span.Resource.ServiceName == "node3" && span.Name == "PUBLISH deliver" &&
                fixture.Telemetry.Spans.Any(s => s.TraceId == span.TraceId && s.Resource.ServiceName == "node1" && s.Name == "PUBLISH forward") &&
                fixture.Telemetry.Spans.Any(s => s.TraceId == span.TraceId && s.Resource.ServiceName == "node1" && s.Name == "PUBLISH"),
            "node1's PUBLISH, its forward and node3's delivery in one trace", seconds: 90);
        Assert.Equal(ActivityKind.Consumer, deliver.Kind);
    }

    [Fact(Timeout = 300_000)]
    public async Task The_connection_string_lists_every_node_for_Aspire_s_Redis_client()
    {
        string? connectionString = await App.GetConnectionStringAsync("pubsub");
        Assert.NotNull(connectionString);
        // Locally no password is set, so none is in it (a deployment always has one: see the manifest tests).
        Assert.Matches(@"^localhost:\d+,localhost:\d+,localhost:\d+$", connectionString);
        Assert.Equal(
            Nodes.Select(n => $"localhost:{AspireAppFixture.RespPort(App, n)}"),
            connectionString.Split(','));

        // What a service given .WithReference(pubsub) does with ConnectionStrings__pubsub: Aspire.StackExchange.Redis.
        HostApplicationBuilder service = Host.CreateApplicationBuilder();
        service.Configuration["ConnectionStrings:pubsub"] = connectionString;
        service.AddRedisClient("pubsub");
        using IHost host = service.Build();
        IConnectionMultiplexer redis = host.Services.GetRequiredService<IConnectionMultiplexer>();
        Assert.True(redis.IsConnected);
        Assert.Equal(3, redis.GetEndPoints().Length);
        await redis.GetDatabase().PingAsync();
    }

    [Fact(Timeout = 300_000)]
    public async Task The_dashboard_shows_each_node_s_peers_subscribers_and_channels()
    {
        await AspireAppFixture.WaitForLivePeers(App, "node2", "node1", "node3");
        using RawClient subscriber = RawClient.Connect(AspireAppFixture.RespPort(App, "node2"));
        subscriber.Call("SUBSCRIBE", "aspire:properties:a", "aspire:properties:b");
        subscriber.ReadReply();
        await ClusterFixture.WaitUntil(() =>
            AspireAppFixture.Property(App, "node2", RedisCloneProperties.PeersAlive) == "2" &&
            AspireAppFixture.Property(App, "node2", RedisCloneProperties.Channels) == "2" &&
            AspireAppFixture.Property(App, "node2", RedisCloneProperties.Subscribers) == "1" &&
            AspireAppFixture.Property(App, "node2", RedisCloneProperties.ReplayGaps) == "0",
            "node2's dashboard properties: 2 peers alive, 2 channels, 1 subscriber, no replay gaps", seconds: 30);
        Assert.Equal("3/3", AspireAppFixture.Property(App, "pubsub", RedisCloneProperties.NodesRunning));
    }

    [Fact(Timeout = 300_000)]
    public async Task Dashboard_commands_show_INFO_gossip_and_cut_a_node_s_links_for_a_while()
    {
        await AspireAppFixture.WaitForLivePeers(App, "node1", "node2", "node3");
        ExecuteCommandResult info = await App.ResourceCommands.ExecuteCommandAsync("node1", "redisclone-info-gossip");
        Assert.True(info.Success, info.Message);
        Assert.Contains("gossip_peers_alive:2", info.Data?.Value);

        ExecuteCommandResult cut = await App.ResourceCommands.ExecuteCommandAsync("node1", "redisclone-cut-gossip");
        Assert.True(cut.Success, cut.Message);
        using (RawClient client = RawClient.Connect(AspireAppFixture.RespPort(App, "node1")))
        {
            Assert.DoesNotMatch("link=up", client.Call("INFO", "gossip"));
        }
        // The links come back by themselves once the cut is over.
        await AspireAppFixture.WaitForLivePeers(App, "node1", "node2", "node3");
    }

    [Fact(Timeout = 300_000)]
    public async Task A_killed_node_is_started_again_by_the_AppHost_and_receives_again()
    {
        await AspireAppFixture.WaitForLivePeers(App, "node2", "node1", "node3");
        int first = AspireAppFixture.ProcessId(App, "node2") ?? throw new InvalidOperationException("node2 does not answer");
        int restartsBefore = int.Parse(AspireAppFixture.Property(App, "node2", RedisCloneProperties.Restarts) ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        using (Process killed = Process.GetProcessById(first))
        {
            killed.Kill();
        }
        await ClusterFixture.WaitUntil(() => AspireAppFixture.ProcessId(App, "node2") is int pid && pid != first,
            "a new node2 process answering on its port", seconds: 90);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("node2").WaitAsync(TimeSpan.FromSeconds(60));
        await ClusterFixture.WaitUntil(() => AspireAppFixture.Property(App, "node2", RedisCloneProperties.Restarts) == (restartsBefore + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "node2's restarts property counting the restart", seconds: 30);

        await AspireAppFixture.WaitForLivePeers(App, "node2", "node1", "node3");
        await AspireAppFixture.WaitForLivePeers(App, "node1", "node2", "node3");
        await using ConnectionMultiplexer node1 = await Connect("node1");
        await using ConnectionMultiplexer node2 = await Connect("node2");
        ChannelMessageQueue onNode2 = await node2.GetSubscriber().SubscribeAsync(RedisChannel.Literal("aspire:after-restart"));
        await node1.GetSubscriber().PublishAsync(RedisChannel.Literal("aspire:after-restart"), "to the new node2");
        Assert.Equal("to the new node2", (string?)(await onNode2.ReadAsync().AsTask().WaitAsync(MessageDeadline)).Message);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_chat_message_sent_to_chat1_reaches_a_client_of_chat2_through_the_cluster()
    {
        // The sample's two instances have SignalR backplanes on different nodes (chat1 on node1, chat2 on node3).
        await using HubConnection onChat1 = new HubConnectionBuilder().WithUrl(new Uri(App.GetEndpoint("chat1", "http"), "/chat")).Build();
        await using HubConnection onChat2 = new HubConnectionBuilder().WithUrl(new Uri(App.GetEndpoint("chat2", "http"), "/chat")).Build();
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        onChat2.On<string, string, string>("message", (user, text, instance) => received.TrySetResult($"{user}: {text} (sent to {instance})"));
        await onChat1.StartAsync();
        await onChat2.StartAsync();

        await onChat1.InvokeAsync("Send", "ann", "hello from chat1");
        Assert.Equal("ann: hello from chat1 (sent to chat1)", await received.Task.WaitAsync(MessageDeadline));
    }

    private async Task<ConnectionMultiplexer> Connect(string node) =>
        await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { $"localhost:{AspireAppFixture.RespPort(App, node)}" },
            AbortOnConnectFail = true,
            ConnectTimeout = 10_000,
            SyncTimeout = 10_000,
            AsyncTimeout = 10_000,
        });
}

/// <summary>
/// A node stopped on purpose stays stopped, and stopping the app stops every process it started (an app of its own,
/// with two nodes).
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class AspireAppShutdownTests
{
    [Fact(Timeout = 300_000)]
    public async Task A_stopped_node_stays_stopped_and_stopping_the_app_leaves_no_node_process_behind()
    {
        var pids = new List<int>();
        DistributedApplication app = await AspireAppFixture.StartAsync("--nodes", "2", "--sample", "false");
        try
        {
            Assert.Equal(["node1", "node2"], app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>().Select(r => r.Name));
            foreach (string node in new[] { "node1", "node2" })
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(node).WaitAsync(AspireAppFixture.StartTimeout);
                pids.Add(AspireAppFixture.ProcessId(app, node) ?? throw new InvalidOperationException($"{node} does not answer"));
            }
            // Each node runs under DCP's `dotnet run` of the node project: that process must go too.
            pids.AddRange(pids.ToList().Select(ParentOf).Where(p => p > 1));

            // A node stopped on purpose (the dashboard's Stop) is not taken for a crash: it stays stopped.
            ExecuteCommandResult stop = await app.ResourceCommands.ExecuteCommandAsync("node2", KnownResourceCommands.StopCommand);
            Assert.True(stop.Success, stop.Message);
            await app.ResourceNotifications.WaitForResourceAsync("node2", KnownResourceStates.TerminalStates).WaitAsync(TimeSpan.FromSeconds(60));
            await Task.Delay(TimeSpan.FromSeconds(4));
            Assert.True(app.ResourceNotifications.TryGetCurrentState("node2", out ResourceEvent? node2));
            Assert.Contains(node2.Snapshot.State?.Text, KnownResourceStates.TerminalStates);
            Assert.Null(AspireAppFixture.Property(app, "node2", RedisCloneProperties.Restarts) is "1" ? "restarted" : null);

            await app.StopAsync();
        }
        finally
        {
            await app.DisposeAsync();
        }
        await ClusterFixture.WaitUntil(() => pids.All(AspireAppFixture.ProcessGone),
            $"every process the app started ({string.Join(", ", pids)}) to be gone", seconds: 30);
    }

    private static int ParentOf(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
