using RedisClone.Tests.Infrastructure;
using RedisClone.Tests.PubSub;
using Xunit.Abstractions;

namespace RedisClone.Tests.Clients.Suite;

/// <summary>
/// redis-py (Debian's python3-redis) runs the scenario against the 3-node cluster (clients/python/redis_py_scenario.py).
/// RESP2 only: redis-py 4.3, the version Debian ships, has no RESP3 (it came with redis-py 5).
/// </summary>
[Collection(ClientSuiteCollection.Name)]
[Trait("Category", ClientSuiteCollection.Category)]
public sealed class RedisPyScenarioTests(ProcessCluster cluster, ITestOutputHelper output)
{
    [PythonRedisFact(Timeout = 240_000)]
    public async Task Scenario_passes()
    {
        string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        ClientScenario.Result result = await ClientScenario.RunAsync(cluster, TimeSpan.FromMinutes(3),
            python, RepositoryPaths.Clients("python", "redis_py_scenario.py"), "--ports", cluster.PortList, "--prefix", "redis-py");

        output.WriteLine(result.Transcript);
        Assert.True(result.Succeeded, $"redis-py failed with exit code {result.ExitCode}:\n{result.Transcript}");
    }
}
