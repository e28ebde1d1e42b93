using RedisClone.Tests.Infrastructure;
using Xunit.Abstractions;

namespace RedisClone.Tests.Clients.Suite;

/// <summary>
/// ioredis and node-redis (clients/node, versions pinned in its package-lock.json) each run one scenario against the
/// 3-node cluster: connect, strings with expiry, a pipeline, MULTI/EXEC, KEYS/SCAN, subscribe and psubscribe on node 3
/// while publishing on node 1, unsubscribe, and reconnect (with automatic resubscription) after nodes 1 and 3 restart.
/// </summary>
[Collection(ClientSuiteCollection.Name)]
[Trait("Category", ClientSuiteCollection.Category)]
public sealed class NodeClientScenarioTests(ProcessCluster cluster, ITestOutputHelper output)
{
    [RequiresNodeClientsTheory(Timeout = 240_000)]
    [InlineData("ioredis", 3)]
    [InlineData("ioredis", 2)]
    [InlineData("node-redis", 3)]
    [InlineData("node-redis", 2)]
    public async Task Scenario_passes(string library, int resp)
    {
        ClientScenario.Result result = await ClientScenario.RunAsync(cluster, TimeSpan.FromMinutes(3),
            "node", RepositoryPaths.Clients("node", library + ".mjs"),
            "--ports", cluster.PortList, "--resp", resp.ToString(System.Globalization.CultureInfo.InvariantCulture), "--prefix", $"{library}-resp{resp}");

        output.WriteLine(result.Transcript);
        Assert.True(result.Succeeded, $"{library} (RESP{resp}) failed with exit code {result.ExitCode}:\n{result.Transcript}");
    }
}
