using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting;

/// <summary>Adds a RedisClone cluster to an Aspire AppHost.</summary>
public static class RedisCloneClusterBuilderExtensions
{
    /// <summary>Clients (RESP).</summary>
    public const string RespEndpointName = "resp";

    /// <summary>Gossip between nodes (gRPC over HTTP/2).</summary>
    public const string GossipEndpointName = "gossip";

    /// <summary>/health and /alive.</summary>
    public const string HttpEndpointName = "http";

    /// <summary>Ports inside a deployed node's container (each node is its own container, so they repeat).</summary>
    public const int DeployedRespPort = 6379;

    /// <inheritdoc cref="DeployedRespPort"/>
    public const int DeployedGossipPort = 16379;

    /// <inheritdoc cref="DeployedRespPort"/>
    public const int DeployedHttpPort = 8080;

    /// <summary>
    /// Adds <paramref name="nodes"/> RedisClone nodes that find each other through their gossip endpoints, and a
    /// resource named <paramref name="name"/> whose connection string lists them all for StackExchange.Redis:
    /// <c>.WithReference(cluster)</c> gives a project <c>ConnectionStrings__{name}</c>, which
    /// <c>builder.AddRedisClient("{name}")</c> (Aspire.StackExchange.Redis) reads unchanged.
    /// </summary>
    public static IResourceBuilder<RedisCloneClusterResource> AddRedisCloneCluster(
        this IDistributedApplicationBuilder builder, string name, int nodes = 3, Action<RedisCloneClusterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        var options = new RedisCloneClusterOptions();
        configure?.Invoke(options);
        bool run = builder.ExecutionContext.IsRunMode;

        var cluster = new RedisCloneClusterResource(name);
        IResourceBuilder<ParameterResource> password = options.Password ?? DefaultPassword(builder, name, run);
        IResourceBuilder<ParameterResource> clusterKey = options.ClusterKey ??
            builder.AddParameter($"{name}-cluster-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
        cluster.PasswordParameter = password.Resource;
        cluster.ClusterKeyParameter = clusterKey.Resource;
        // Locally an unset default password means nodes without one; a deployment always has one.
        cluster.PasswordInConnectionString = !run || options.Password is not null ||
            !string.IsNullOrEmpty(builder.Configuration[$"Parameters:{name}-password"]);

        IResourceBuilder<RedisCloneClusterResource> clusterBuilder = builder.AddResource(cluster)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "RedisCloneCluster",
                State = KnownResourceStates.Starting,
                Properties = [new(RedisCloneProperties.Nodes, nodes)],
            })
            .WithIconName("BranchFork")
            .WithManifestPublishingCallback(context =>
            {
                context.Writer.WriteString("type", "value.v0");
                context.WriteConnectionString(cluster);
            });

        var nodeBuilders = new List<IResourceBuilder<ProjectResource>>();
        for (int k = 1; k <= nodes; k++)
        {
            string nodeName = options.NodeName?.Invoke(k) ?? $"{name}-node{k}";
            IResourceBuilder<ProjectResource> node = builder.AddProject<RedisCloneNodeProject>(nodeName, o =>
                {
                    o.ExcludeLaunchProfile = true;
                    o.ExcludeKestrelEndpoints = true;
                })
                .WithEndpoint(port: run ? options.RespPort + k - 1 : null, targetPort: run ? null : DeployedRespPort,
                    scheme: "tcp", name: RespEndpointName, env: "Redis__Port")
                .WithEndpoint(targetPort: run ? null : DeployedGossipPort, scheme: "http", name: GossipEndpointName, env: "Redis__ClusterPort")
                .WithEndpoint(GossipEndpointName, e => e.Transport = "http2")
                .WithEndpoint(targetPort: run ? null : DeployedHttpPort, scheme: "http", name: HttpEndpointName, env: "Redis__HttpPort")
                // The node sets up Kestrel itself from Redis:* settings: no ASPNETCORE_URLS or HTTP_PORTS for it.
                .WithEndpointsInEnvironment(_ => false)
                .WithEnvironment("Redis__NodeName", nodeName)
                // Locally everything stays on loopback; a container listens on every address (with a password).
                .WithEnvironment("Redis__Bind", run ? "127.0.0.1" : "*")
                .WithParentRelationship(clusterBuilder)
                .WithHttpHealthCheck("/health", endpointName: HttpEndpointName);
            node.WithEnvironment("Redis__ClusterAnnounceAddress", node.GetEndpoint(GossipEndpointName))
                .WithEnvironment("Redis__ClusterKey", clusterKey);
            if (cluster.PasswordInConnectionString)
            {
                node.WithEnvironment("Redis__RequirePass", password);
            }
            if (run && options.EnableFaultCommands)
            {
                node.WithEnvironment("Redis__EnableDebugCommand", "local");
            }
            if (run)
            {
                RedisCloneNodeCommands.Add(node, cluster, faultCommands: options.EnableFaultCommands);
            }
            cluster.AddNode(node.Resource);
            nodeBuilders.Add(node);
        }
        foreach (IResourceBuilder<ProjectResource> node in nodeBuilders)
        {
            foreach (IResourceBuilder<ProjectResource> peer in nodeBuilders.Where(p => p != node))
            {
                node.WithReference(peer.GetEndpoint(GossipEndpointName));
            }
        }

        if (run)
        {
            RedisCloneMonitor.Register(builder, cluster, options.RestartCrashedNodes);
            string healthCheck = $"{name}_nodes";
            builder.Services.AddHealthChecks().AddCheck(healthCheck, new ClusterHealthCheck(cluster));
            clusterBuilder.WithHealthCheck(healthCheck);
        }
        return clusterBuilder;
    }

    private static IResourceBuilder<ParameterResource> DefaultPassword(IDistributedApplicationBuilder builder, string name, bool run) =>
        // Locally the password may stay unset (nodes on loopback without one); publishing leaves it required: the
        // manifest's input has no default, so the deployer must give one.
        run
            ? builder.AddParameter($"{name}-password", new EmptyByDefault(), secret: true)
            : builder.AddParameter($"{name}-password", secret: true);

    /// <summary>A run-mode default: empty (never written to a manifest).</summary>
    private sealed class EmptyByDefault : ParameterDefault
    {
        public override string GetDefaultValue() => "";

        public override void WriteToManifest(Publishing.ManifestPublishingContext context) =>
            throw new InvalidOperationException("a local-only default is never published");
    }
}
