// A local RedisClone cluster on .NET Aspire: node1..nodeN (default 3; `--nodes 5` or RedisClone__Nodes=5) with the
// Aspire dashboard. `-- --publisher manifest --output-path ../aspire-manifest.json` writes the deployment manifest
// (`dotnet run` starts an AppHost in its own folder, so a relative path starts there).
using Microsoft.Extensions.Configuration;

IDistributedApplicationBuilder builder = DistributedApplication.CreateBuilder(args);

int nodes = builder.Configuration.GetValue<int?>("nodes") ?? builder.Configuration.GetValue("RedisClone:Nodes", 3);
// Locally node K's RESP port is 6379 + K - 1 unless `--base-port` (or RedisClone__BasePort) says otherwise; tests
// (Aspire.Hosting.Testing) get random ports instead.
int basePort = builder.Configuration.GetValue<int?>("base-port") ?? builder.Configuration.GetValue("RedisClone:BasePort", 6379);

builder.AddRedisCloneCluster("pubsub", nodes, options =>
{
    options.NodeName = k => $"node{k}";
    options.RespPort = basePort;
});

builder.Build().Run();
