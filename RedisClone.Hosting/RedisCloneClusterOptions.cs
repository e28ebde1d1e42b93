using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>How <see cref="RedisCloneClusterBuilderExtensions.AddRedisCloneCluster"/> lays out a cluster.</summary>
public sealed class RedisCloneClusterOptions
{
    /// <summary>The resource name of node K (1-based); by default <c>{cluster}-node{K}</c>.</summary>
    public Func<int, string>? NodeName { get; set; }

    /// <summary>
    /// Run mode: node K's RESP port for clients is this + K - 1 (6379, 6380, ...). Null (the default) lets Aspire pick
    /// free ports. Gossip and health ports are always picked by Aspire locally.
    /// </summary>
    public int? RespPort { get; set; }

    /// <summary>
    /// The password clients must AUTH with. By default a secret parameter <c>{cluster}-password</c>: required when
    /// publishing (a deployed node is never open without one); locally it may be left unset (nodes without a password).
    /// </summary>
    public IResourceBuilder<ParameterResource>? Password { get; set; }

    /// <summary>The gossip secret. By default a secret parameter <c>{cluster}-cluster-key</c> whose value is generated.</summary>
    public IResourceBuilder<ParameterResource>? ClusterKey { get; set; }

    /// <summary>Run mode: start a node again, with backoff, when it exits without being asked to (default true).</summary>
    public bool RestartCrashedNodes { get; set; } = true;

    /// <summary>
    /// Run mode: nodes accept <c>DEBUG</c> from loopback clients, for the dashboard's "Cut gossip links" command
    /// (default true). Never in a published manifest.
    /// </summary>
    public bool EnableFaultCommands { get; set; } = true;
}
