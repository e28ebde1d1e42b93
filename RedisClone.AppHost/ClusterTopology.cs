using RedisClone.AppHost.Model;

namespace RedisClone.AppHost;

/// <summary>
/// The app, as an Aspire AppHost's Program.cs would declare it: nodes node1..nodeN, each a RedisClone.Node project
/// with a RESP, a gossip (gRPC) and an HTTP endpoint, each referencing every other node's gossip endpoint.
/// </summary>
internal static class ClusterTopology
{
    public static AppModel Build(AppHostOptions options, IProjectMetadata node, DashboardSettings dashboard, Func<string, string> serviceInstanceId)
    {
        var model = new AppModel();
        for (int k = 1; k <= options.Nodes; k++)
        {
            int resp = options.RespPort(k);
            ProjectResource resource = model.AddProject($"node{k}", node)
                .WithEndpoint("resp", scheme: "tcp", transport: "tcp", targetPort: resp)
                .WithEndpoint("gossip", scheme: "http", transport: "http2", targetPort: resp + AppHostOptions.GossipPortOffset)
                .WithEndpoint("http", scheme: "http", transport: "http", targetPort: resp + AppHostOptions.HttpPortOffset);
            resource
                .WithOtlpExporter(dashboard, serviceInstanceId(resource.Name))
                .WithEnvironment("Redis__NodeName", resource.Name)
                // Run mode keeps everything on loopback; a container must listen on every address.
                .WithEnvironment(context => context.Variables["Redis__Bind"] = context.ExecutionContext.IsPublishMode ? "*" : EndpointValue.RunModeHost)
                .WithEnvironment("Redis__Port", resource.Endpoint("resp", EndpointProperty.TargetPort))
                .WithEnvironment("Redis__ClusterPort", resource.Endpoint("gossip", EndpointProperty.TargetPort))
                // Peers must reach this node by its service address, not by the address it listens on.
                .WithEnvironment("Redis__ClusterAnnounceAddress", resource.Endpoint("gossip", EndpointProperty.Url))
                // The node serves /health and /alive on Redis:HttpPort (it configures Kestrel itself, so HTTP_PORTS
                // and ASPNETCORE_URLS would not reach it).
                .WithEnvironment("Redis__HttpPort", resource.Endpoint("http", EndpointProperty.TargetPort))
                .WithEnvironment(context =>
                {
                    if (context.ExecutionContext.IsRunMode)
                    {
                        // The AppHost prefixes every line with the node's name: one line per log entry reads best. (The
                        // formatter's options are read only once a formatter is named, hence the name, as Aspire sets it.)
                        context.Variables["Logging__Console__FormatterName"] = "simple";
                        context.Variables["Logging__Console__FormatterOptions__SingleLine"] = "true";
                        // The AppHost holds each node's stdin pipe: if the AppHost dies, even by SIGKILL, the pipe
                        // closes and the node stops. (Never in a manifest: a container's stdin is closed from the start.)
                        context.Variables["Redis__ExitOnStdinClose"] = "yes";
                    }
                });
        }
        foreach (ProjectResource resource in model.Resources)
        {
            foreach (ProjectResource peer in model.Resources.Where(r => r != resource))
            {
                resource.WithReference(peer, "gossip");
            }
        }
        return model;
    }

    /// <summary>Aspire's form of service.instance.id: the resource name and a random suffix, new for each AppHost run.</summary>
    public static string RandomInstanceId(string resourceName)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        Span<char> suffix = stackalloc char[7];
        for (int i = 0; i < suffix.Length; i++)
        {
            suffix[i] = alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(alphabet.Length)];
        }
        return $"{resourceName}-{new string(suffix)}";
    }
}
