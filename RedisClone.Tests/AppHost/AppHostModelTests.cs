using RedisClone.AppHost;
using RedisClone.AppHost.Model;
using RedisClone.AppHost.Orchestration;

namespace RedisClone.Tests.AppHost;

/// <summary>
/// The AppHost's model without processes: the environment each node gets in run mode (Aspire's variables and the
/// node's own settings), its command line and the restart backoff.
/// </summary>
public sealed class AppHostModelTests
{
    private static Dictionary<string, string> RunEnvironment(string node, Dictionary<string, string>? variables = null, params string[] args)
    {
        DashboardSettings dashboard = DashboardSettings.FromEnvironment(name => variables?.GetValueOrDefault(name));
        AppModel model = ClusterTopology.Build(AppHostOptions.Parse(args), new Projects.RedisClone_Node(), dashboard, name => name + "-test");
        return model.Resources.Single(r => r.Name == node).EvaluateEnvironment(AppExecutionContext.Run).ToDictionary();
    }

    [Fact]
    public void Each_node_gets_its_ports_name_and_every_other_nodes_gossip_endpoint_as_service_discovery()
    {
        Dictionary<string, string> env = RunEnvironment("node2");
        Assert.Equal("node2", env["Redis__NodeName"]);
        Assert.Equal("127.0.0.1", env["Redis__Bind"]);
        Assert.Equal("6380", env["Redis__Port"]);
        Assert.Equal("16380", env["Redis__ClusterPort"]);
        Assert.Equal("26380", env["Redis__HttpPort"]);
        Assert.Equal("http://127.0.0.1:16380", env["Redis__ClusterAnnounceAddress"]);
        Assert.Equal("http://127.0.0.1:16379", env["services__node1__gossip__0"]);
        Assert.Equal("http://127.0.0.1:16381", env["services__node3__gossip__0"]);
        Assert.DoesNotContain("services__node2__gossip__0", env.Keys);
        Assert.Equal("node2", env["OTEL_SERVICE_NAME"]);
        Assert.Equal("service.instance.id=node2-test", env["OTEL_RESOURCE_ATTRIBUTES"]);
        // The node stops if the AppHost dies and its stdin pipe closes.
        Assert.Equal("yes", env["Redis__ExitOnStdinClose"]);
    }

    [Fact]
    public void Nodes_and_base_port_set_the_size_and_the_predictable_ports()
    {
        Dictionary<string, string> env = RunEnvironment("node5", null, "--nodes", "5", "--base-port", "7000");
        Assert.Equal("7004", env["Redis__Port"]);
        Assert.Equal("17004", env["Redis__ClusterPort"]);
        Assert.Equal("27004", env["Redis__HttpPort"]);
        Assert.Equal(["services__node1__gossip__0", "services__node2__gossip__0", "services__node3__gossip__0", "services__node4__gossip__0"],
            env.Keys.Where(k => k.StartsWith("services__", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", "grpc")]
    [InlineData("DOTNET_DASHBOARD_OTLP_ENDPOINT_URL", "grpc")]
    [InlineData("ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", "http/protobuf")]
    public void The_dashboard_address_becomes_the_OTLP_endpoint_with_its_protocol(string variable, string protocol)
    {
        Dictionary<string, string> env = RunEnvironment("node1", new() { [variable] = "http://localhost:4317" });
        Assert.Equal("http://localhost:4317", env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal(protocol, env["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        Assert.DoesNotContain("OTEL_EXPORTER_OTLP_HEADERS", env.Keys);
    }

    [Fact]
    public void The_grpc_address_wins_over_the_http_one_and_the_api_key_becomes_a_header()
    {
        Dictionary<string, string> env = RunEnvironment("node1", new()
        {
            ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = "http://localhost:4318",
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = "http://localhost:4317",
            ["AppHost__OtlpApiKey"] = "s3cret",
        });
        Assert.Equal("http://localhost:4317", env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("grpc", env["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        Assert.Equal("x-otlp-api-key=s3cret", env["OTEL_EXPORTER_OTLP_HEADERS"]);
    }

    [Fact]
    public void Without_a_dashboard_address_nothing_is_exported()
    {
        Dictionary<string, string> env = RunEnvironment("node1");
        Assert.DoesNotContain("OTEL_EXPORTER_OTLP_ENDPOINT", env.Keys);
        Assert.DoesNotContain("OTEL_EXPORTER_OTLP_PROTOCOL", env.Keys);
        Assert.Equal("in_memory", env["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"]);
    }

    [Fact]
    public void Development_shortens_export_delays_and_samples_every_trace_as_Aspire_does()
    {
        var development = RunEnvironment("node1", new() { ["DOTNET_ENVIRONMENT"] = "Development", ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = "http://localhost:4317" });
        foreach (string delay in new[] { "OTEL_BSP_SCHEDULE_DELAY", "OTEL_BLRP_SCHEDULE_DELAY", "OTEL_METRIC_EXPORT_INTERVAL" })
        {
            Assert.Equal("1000", development[delay]);
        }
        Assert.Equal("always_on", development["OTEL_TRACES_SAMPLER"]);

        var production = RunEnvironment("node1", new() { ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = "http://localhost:4317" });
        Assert.DoesNotContain("OTEL_BSP_SCHEDULE_DELAY", production.Keys);
        Assert.DoesNotContain("OTEL_TRACES_SAMPLER", production.Keys);
    }

    [Theory]
    [InlineData("error: invalid value '0' for --nodes: must be an integer from 1 to 65535", "--nodes", "0")]
    [InlineData("error: invalid value 'x' for --base-port: must be an integer from 1 to 65535", "--base-port", "x")]
    [InlineData("error: --base-port 45536 with --nodes 1 needs ports up to 65536 (RESP 45536-45536, gossip +10000, HTTP +20000); ports must be 1..65535", "--base-port", "45536", "--nodes", "1")]
    [InlineData("error: unknown option '--replicas' (see --help)", "--replicas", "3")]
    [InlineData("error: unknown publisher 'docker' (the AppHost publishes: manifest)", "--publisher", "docker")]
    [InlineData("error: --publisher manifest needs --output-path <file>", "--publisher", "manifest")]
    [InlineData("error: option --nodes needs a value", "--nodes")]
    public void Bad_options_are_one_line_errors(string expected, params string[] args)
    {
        var error = Assert.Throws<AppHostOptions.UsageException>(() => AppHostOptions.Parse(args));
        Assert.Equal(expected, "error: " + error.Message);
    }

    [Fact]
    public void The_highest_base_port_that_fits_is_accepted()
    {
        AppHostOptions options = AppHostOptions.Parse(["--base-port=45533", "--nodes=3"]);
        Assert.Equal(45535, options.RespPort(3));
    }

    [Fact]
    public void Restarts_back_off_doubling_to_a_cap_and_start_over_after_a_stable_run()
    {
        var backoff = new RestartBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(30));
        TimeSpan quick = TimeSpan.FromSeconds(2);
        Assert.Equal(new double[] { 1, 2, 4, 8, 8 }, Enumerable.Range(0, 5).Select(_ => backoff.Next(quick).TotalSeconds));
        Assert.Equal(1, backoff.Next(TimeSpan.FromSeconds(30)).TotalSeconds);
        Assert.Equal(2, backoff.Next(quick).TotalSeconds);
    }
}
