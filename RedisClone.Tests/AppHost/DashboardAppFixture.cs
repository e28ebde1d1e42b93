using Aspire.Hosting;
using Aspire.Hosting.Testing;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.AppHost;

/// <summary>
/// RedisClone.AppHost with its dashboard, as `dotnet run` under the http profile starts it (three nodes, no chat
/// sample), the dashboard open without a login token (ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS, so a browser needs
/// no token), and a headless chromium to look at it. Nothing starts when chromium is missing: the tests skip.
/// </summary>
public sealed class DashboardAppFixture : IAsyncLifetime
{
    public static readonly string[] Nodes = ["node1", "node2", "node3"];

    /// <summary>The resource the AppHost runs the dashboard as.</summary>
    private const string DashboardResource = "aspire-dashboard";

    public DistributedApplication App { get; private set; } = null!;

    public HeadlessChromium Browser { get; private set; } = null!;

    /// <summary>The dashboard's address for this run.</summary>
    public Uri Dashboard { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync()
    {
        if (HeadlessChromium.MissingReason is not null)
        {
            return;
        }
        IDistributedApplicationTestingBuilder builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.RedisClone_AppHost>(
            ["--sample", "false", "--ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true"],
            // Aspire.Hosting.Testing leaves the dashboard out unless asked.
            (options, _) => options.DisableDashboard = false);
        App = await builder.BuildAsync();
        await App.StartAsync().WaitAsync(AspireAppFixture.StartTimeout);
        foreach (string node in Nodes)
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(node).WaitAsync(AspireAppFixture.StartTimeout);
        }
        // Tests get random ports (DcpPublisher:RandomizePorts), the dashboard's among them: the launch profile's
        // applicationUrl is not where it listens.
        Dashboard = App.GetEndpoint(DashboardResource, "http");
        Browser = await HeadlessChromium.StartAsync(TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
        Http.Dispose();
    }
}

/// <summary>
/// The dashboard tests run after every other collection and alone: an AppHost, its dashboard and a browser at once
/// are heavy on two cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DashboardCollection : ICollectionFixture<DashboardAppFixture>
{
    public const string Name = "Aspire dashboard in a browser";
}

/// <summary>A fact skipped, with the reason shown, when chromium is not installed.</summary>
public sealed class RequiresChromiumFactAttribute : FactAttribute
{
    public RequiresChromiumFactAttribute()
    {
        Skip = HeadlessChromium.MissingReason;
    }
}
