using System.Text;
using System.Text.Json.Nodes;
using RedisClone.AppHost;
using RedisClone.AppHost.Model;
using RedisClone.AppHost.Publishing;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.AppHost;

/// <summary>
/// The deployment manifest: the repository's aspire-manifest.json is exactly what the publisher writes, it passes
/// the aspire-8.0 schema's rules (a copy of the schema's project.v0 subset is in Schemas/, checked with ajv), and it
/// says what azd and
/// aspirate need: one project per node, its bindings, and placeholders for every address.
/// </summary>
public sealed class AppHostManifestTests
{
    private const string Schema = "aspire-8.0.project-subset.json";
    private static readonly string CommittedManifest = Path.Combine(RepositoryRoot.Path, "aspire-manifest.json");

    [Fact]
    public void The_committed_manifest_is_what_the_publisher_writes()
    {
        // Written next to the committed file, so the project path comes out relative to the same folder.
        string regenerated = Path.Combine(RepositoryRoot.Path, $"aspire-manifest.{Guid.NewGuid():N}.tmp.json");
        try
        {
            (int exit, string stdout, string stderr) = RunAppHost("--publisher", "manifest", "--output-path", regenerated);
            Assert.True(exit == 0, NodeProcess.Describe(exit, stdout, stderr));
            Assert.Equal($"Wrote the manifest of 3 nodes to {regenerated}", stdout.Trim());
            string expected = File.ReadAllText(CommittedManifest);
            string actual = File.ReadAllText(regenerated);
            Assert.True(expected == actual,
                "aspire-manifest.json differs from what `dotnet run --project RedisClone.AppHost -- --publisher manifest --output-path aspire-manifest.json` writes; run that and commit the result.\n" + actual);
        }
        finally
        {
            File.Delete(regenerated);
        }
    }

    [RequiresSchemaValidatorFact]
    public void The_committed_manifest_passes_the_aspire_schema()
    {
        Assert.Empty(SchemaValidator.Errors(Schema, File.ReadAllText(CommittedManifest)));
    }

    [RequiresSchemaValidatorFact]
    public void A_five_node_manifest_passes_the_aspire_schema()
    {
        Assert.Empty(SchemaValidator.Errors(Schema, Render("--nodes", "5")));
    }

    [RequiresSchemaValidatorTheory]
    [InlineData("replicas", "3", "must NOT have additional properties")]
    [InlineData("type", "\"project.v1\"", "must match exactly one schema in oneOf")]
    [InlineData("bindings", "{\"resp\": {\"scheme\": \"tcp\", \"protocol\": \"tcp\"}}", "must have required property 'transport'")]
    public void The_schema_check_rejects_what_the_schema_forbids(string key, string json, string error)
    {
        JsonObject manifest = JsonNode.Parse(Render())!.AsObject();
        manifest["resources"]!["node1"]![key] = JsonNode.Parse(json);
        IReadOnlyList<string> errors = SchemaValidator.Errors(Schema, manifest.ToJsonString());
        Assert.Contains(errors, e => e.StartsWith("/resources/node1", StringComparison.Ordinal) && e.Contains(error, StringComparison.Ordinal));
    }

    [Fact]
    public void Each_node_is_a_project_with_its_bindings_and_placeholders_for_every_address()
    {
        JsonObject resources = JsonNode.Parse(File.ReadAllText(CommittedManifest))!["resources"]!.AsObject();
        Assert.Equal(["node1", "node2", "node3"], resources.Select(r => r.Key));
        for (int k = 1; k <= 3; k++)
        {
            JsonNode node = resources[$"node{k}"]!;
            Assert.Equal("project.v0", (string?)node["type"]);
            Assert.Equal("RedisClone.Node/RedisClone.Node.csproj", (string?)node["path"]);
            Assert.True(File.Exists(Path.Combine(RepositoryRoot.Path, (string)node["path"]!)));

            JsonNode bindings = node["bindings"]!;
            AssertBinding(bindings["resp"]!, "tcp", "tcp", 6378 + k);
            AssertBinding(bindings["gossip"]!, "http", "http2", 16378 + k);
            AssertBinding(bindings["http"]!, "http", "http", 26378 + k);

            JsonObject env = node["env"]!.AsObject();
            Assert.Equal($"node{k}", (string?)env["Redis__NodeName"]);
            Assert.Equal($"{{node{k}.bindings.resp.targetPort}}", (string?)env["Redis__Port"]);
            Assert.Equal($"{{node{k}.bindings.gossip.targetPort}}", (string?)env["Redis__ClusterPort"]);
            Assert.Equal($"{{node{k}.bindings.gossip.url}}", (string?)env["Redis__ClusterAnnounceAddress"]);
            Assert.Equal($"{{node{k}.bindings.http.targetPort}}", (string?)env["Redis__HttpPort"]);
            foreach (int peer in Enumerable.Range(1, 3).Where(p => p != k))
            {
                Assert.Equal($"{{node{peer}.bindings.gossip.url}}", (string?)env[$"services__node{peer}__gossip__0"]);
            }
            Assert.Equal("true", (string?)env["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EXCEPTION_LOG_ATTRIBUTES"]);
            Assert.Equal("true", (string?)env["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EVENT_LOG_ATTRIBUTES"]);
            Assert.Equal("in_memory", (string?)env["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"]);
            // Run-mode values stay out: where telemetry goes and who the instance is belong to the deployment.
            Assert.DoesNotContain(env, v => v.Key is "OTEL_EXPORTER_OTLP_ENDPOINT" or "OTEL_SERVICE_NAME" or "OTEL_RESOURCE_ATTRIBUTES");
            // A container's stdin is closed from the start: a node told to stop on that would never run.
            Assert.DoesNotContain(env, v => v.Key is "Redis__ExitOnStdinClose" || v.Key.StartsWith("Logging__", StringComparison.Ordinal));
            Assert.Equal("*", (string?)env["Redis__Bind"]);
            Assert.DoesNotContain(env, v => ((string?)v.Value)!.Contains("127.0.0.1", StringComparison.Ordinal));
        }
    }

    private static void AssertBinding(JsonNode binding, string scheme, string transport, int targetPort)
    {
        Assert.Equal(scheme, (string?)binding["scheme"]);
        Assert.Equal("tcp", (string?)binding["protocol"]);
        Assert.Equal(transport, (string?)binding["transport"]);
        Assert.Equal(targetPort, (int?)binding["targetPort"]);
        // Not external: azd refuses an external non-HTTP endpoint, and the nodes are not for the internet.
        Assert.Null(binding["external"]);
    }

    private static string Render(params string[] args)
    {
        AppModel model = ClusterTopology.Build(AppHostOptions.Parse(args), new Projects.RedisClone_Node(), DashboardSettings.None, name => name);
        return Encoding.UTF8.GetString(ManifestPublisher.Render(model, RepositoryRoot.Path));
    }

    private static (int ExitCode, string StdOut, string StdErr) RunAppHost(params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(AppHostProcess.AppHostDll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = System.Diagnostics.Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            throw new TimeoutException("the AppHost did not exit within 60 s: " + string.Join(' ', args));
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
