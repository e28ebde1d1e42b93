// A local RedisClone cluster on .NET Aspire: node1..nodeN (default 3; `--nodes 5` or RedisClone__Nodes=5) with the
// Aspire dashboard. `-- --publisher manifest --output-path ../aspire-manifest.json` writes the deployment manifest
// (`dotnet run` starts an AppHost in its own folder, so a relative path starts there).
using Microsoft.Extensions.Configuration;

IDistributedApplicationBuilder builder = DistributedApplication.CreateBuilder(args);

int nodes = builder.Configuration.GetValue<int?>("nodes") ?? builder.Configuration.GetValue("RedisClone:Nodes", 3);
// Locally node K's RESP port is 6379 + K - 1 unless `--base-port` (or RedisClone__BasePort) says otherwise; tests
// (Aspire.Hosting.Testing) get random ports instead.
int basePort = builder.Configuration.GetValue<int?>("base-port") ?? builder.Configuration.GetValue("RedisClone:BasePort", 6379);

IResourceBuilder<RedisCloneClusterResource> pubsub = builder.AddRedisCloneCluster("pubsub", nodes, options =>
{
    options.NodeName = k => $"node{k}";
    options.RespPort = basePort;
});

// The sample: a SignalR chat whose backplane is the cluster, two instances, chat1 on node1 and chat2 on the last node,
// so that a message sent to one reaches the other's browsers through the cluster. `--sample false` leaves it out.
if (builder.Configuration.GetValue("sample", true))
{
    int[] chatNodes = [0, nodes - 1];
    for (int i = 0; i < chatNodes.Length; i++)
    {
        builder.AddProject<Projects.RedisClone_Samples_Chat>($"chat{i + 1}")
            .WithHttpEndpoint()
            .WithEnvironment("ConnectionStrings__pubsub", pubsub.Resource.NodeConnectionString(chatNodes[i]))
            .WithHttpHealthCheck("/health")
            .WithRelationship(pubsub.Resource.Nodes[chatNodes[i]], "Backplane")
            .WaitFor(pubsub);
    }
}

builder.Build().Run();
