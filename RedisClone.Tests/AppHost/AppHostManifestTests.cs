using System.Diagnostics;
using System.Text.Json.Nodes;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.AppHost;

/// <summary>
/// The deployment manifest, written by Aspire itself (`dotnet run --project RedisClone.AppHost -- --publisher manifest
/// --output-path aspire-manifest.json`): the repository's aspire-manifest.json is exactly what it writes, it passes
/// the aspire-8.0 schema's rules (a copy of the schema's subset is in Schemas/, checked with ajv), its secrets are
/// parameter.v0 inputs, and no node is deployed without a password or with the DEBUG fault switch.
/// </summary>
public sealed class AppHostManifestTests
{
    private const string Schema = "aspire-8.0.project-subset.json";
    private static readonly string CommittedManifest = Path.Combine(RepositoryRoot.Path, "aspire-manifest.json");
    /// <summary>The AppHost as its own build left it (bin/&lt;configuration&gt;/&lt;framework&gt;, as the tests' own).</summary>
    private static readonly string AppHostDll = AppHostBuild();

    [Fact]
    public void The_committed_manifest_is_what_Aspire_writes()
    {
        string actual = Render();
        Assert.True(File.ReadAllText(CommittedManifest) == actual,
            "aspire-manifest.json differs from what `dotnet run --project RedisClone.AppHost -- --publisher manifest --output-path aspire-manifest.json` writes; run that and commit the result.\n" + actual);
    }

    [RequiresSchemaValidatorFact]
    public void The_committed_manifest_passes_the_aspire_schema()
    {
        Assert.Empty(SchemaValidator.Errors(Schema, File.ReadAllText(CommittedManifest)));
    }

    [RequiresSchemaValidatorFact]
    public void A_five_node_manifest_passes_the_aspire_schema()
    {
        string manifest = Render("--nodes", "5");
        Assert.Equal(["node1", "node2", "node3", "node4", "node5"],
            JsonNode.Parse(manifest)!["resources"]!.AsObject().Where(r => (string?)r.Value!["type"] == "project.v0" && r.Key.StartsWith("node", StringComparison.Ordinal)).Select(r => r.Key));
        Assert.Empty(SchemaValidator.Errors(Schema, manifest));
    }

    [RequiresSchemaValidatorTheory]
    [InlineData("replicas", "3", "must NOT have additional properties")]
    [InlineData("type", "\"project.v1\"", "must match exactly one schema in oneOf")]
    [InlineData("bindings", "{\"resp\": {\"scheme\": \"tcp\", \"protocol\": \"tcp\"}}", "must have required property 'transport'")]
    public void The_schema_check_rejects_what_the_schema_forbids(string key, string json, string error)
    {
        JsonObject manifest = JsonNode.Parse(File.ReadAllText(CommittedManifest))!.AsObject();
        manifest["resources"]!["node1"]![key] = JsonNode.Parse(json);
        IReadOnlyList<string> errors = SchemaValidator.Errors(Schema, manifest.ToJsonString());
        Assert.Contains(errors, e => e.StartsWith("/resources/node1", StringComparison.Ordinal) && e.Contains(error, StringComparison.Ordinal));
    }

    [Fact]
    public void Secrets_are_parameters_and_the_password_has_no_default()
    {
        JsonObject resources = Resources();
        foreach (string name in new[] { "pubsub-password", "pubsub-cluster-key" })
        {
            JsonNode parameter = resources[name]!;
            Assert.Equal("parameter.v0", (string?)parameter["type"]);
            Assert.Equal($"{{{name}.inputs.value}}", (string?)parameter["value"]);
            Assert.True((bool?)parameter["inputs"]!["value"]!["secret"]);
        }
        // The deployer must give a password: no default, nothing generated.
        Assert.Null(resources["pubsub-password"]!["inputs"]!["value"]!["default"]);
        Assert.NotNull(resources["pubsub-cluster-key"]!["inputs"]!["value"]!["default"]!["generate"]);

        JsonNode pubsub = resources["pubsub"]!;
        Assert.Equal("value.v0", (string?)pubsub["type"]);
        Assert.Equal(
            "{node1.bindings.resp.host}:{node1.bindings.resp.port},{node2.bindings.resp.host}:{node2.bindings.resp.port}," +
            "{node3.bindings.resp.host}:{node3.bindings.resp.port},password={pubsub-password.value}",
            (string?)pubsub["connectionString"]);
    }

    [Fact]
    public void Each_node_is_a_project_with_its_bindings_a_password_and_placeholders_for_every_address()
    {
        JsonObject resources = Resources();
        Assert.Equal(["node1", "node2", "node3", "chat1", "chat2"], resources.Where(r => (string?)r.Value!["type"] == "project.v0").Select(r => r.Key));
        for (int k = 1; k <= 3; k++)
        {
            JsonNode node = resources[$"node{k}"]!;
            Assert.Equal("RedisClone.Node/RedisClone.Node.csproj", (string?)node["path"]);
            Assert.True(File.Exists(Path.Combine(RepositoryRoot.Path, (string)node["path"]!)));

            JsonNode bindings = node["bindings"]!;
            AssertBinding(bindings["resp"]!, "tcp", "tcp", 6379);
            AssertBinding(bindings["gossip"]!, "http", "http2", 16379);
            AssertBinding(bindings["http"]!, "http", "http", 8080);

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
            // A deployed node listens on every address, so it always has a password (protected mode would refuse
            // every client otherwise), and never the DEBUG fault switch.
            Assert.Equal("*", (string?)env["Redis__Bind"]);
            Assert.Equal("{pubsub-password.value}", (string?)env["Redis__RequirePass"]);
            Assert.Equal("{pubsub-cluster-key.value}", (string?)env["Redis__ClusterKey"]);
            Assert.DoesNotContain(env, v => v.Key.Contains("Debug", StringComparison.OrdinalIgnoreCase));
            // The node configures Kestrel itself: no ASPNETCORE_URLS or HTTP_PORTS for it.
            Assert.DoesNotContain(env, v => v.Key is "ASPNETCORE_URLS" or "HTTP_PORTS" or "HTTPS_PORTS");
            Assert.DoesNotContain(env, v => ((string?)v.Value)!.Contains("localhost", StringComparison.Ordinal));
        }
    }

    private static string AppHostBuild()
    {
        string framework = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        string configuration = Path.GetDirectoryName(framework)!;
        return Path.Combine(RepositoryRoot.Path, "RedisClone.AppHost", "bin", Path.GetFileName(configuration), Path.GetFileName(framework), "RedisClone.AppHost.dll");
    }

    [Fact]
    public void The_chat_sample_s_instances_each_use_one_node_with_the_password()
    {
        JsonObject resources = Resources();
        foreach ((string chat, string node) in new[] { ("chat1", "node1"), ("chat2", "node3") })
        {
            JsonNode resource = resources[chat]!;
            Assert.Equal("samples/RedisClone.Samples.Chat/RedisClone.Samples.Chat.csproj", (string?)resource["path"]);
            Assert.Equal($"{{{node}.bindings.resp.host}}:{{{node}.bindings.resp.port}},password={{pubsub-password.value}}",
                (string?)resource["env"]!["ConnectionStrings__pubsub"]);
        }
    }

    private static JsonObject Resources() => JsonNode.Parse(File.ReadAllText(CommittedManifest))!["resources"]!.AsObject();

    private static void AssertBinding(JsonNode binding, string scheme, string transport, int targetPort)
    {
        Assert.Equal(scheme, (string?)binding["scheme"]);
        Assert.Equal("tcp", (string?)binding["protocol"]);
        Assert.Equal(transport, (string?)binding["transport"]);
        Assert.Equal(targetPort, (int?)binding["targetPort"]);
        // Not external: azd refuses an external non-HTTP endpoint, and the nodes are not for the internet.
        Assert.Null(binding["external"]);
    }

    /// <summary>
    /// The manifest Aspire writes for the AppHost run with <paramref name="args"/>, written next to the committed one
    /// so that project paths come out relative to the same folder.
    /// </summary>
    private static string Render(params string[] args)
    {
        string output = Path.Combine(RepositoryRoot.Path, $"aspire-manifest.{Guid.NewGuid():N}.tmp.json");
        try
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string arg in new[] { AppHostDll, "--publisher", "manifest", "--output-path", output }.Concat(args))
            {
                info.ArgumentList.Add(arg);
            }
            using Process process = Process.Start(info)!;
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("the AppHost did not write its manifest within 120 s");
            }
            Assert.True(process.ExitCode == 0, NodeProcess.Describe(process.ExitCode, stdout.Result, stderr.Result));
            return File.ReadAllText(output);
        }
        finally
        {
            File.Delete(output);
        }
    }
}
