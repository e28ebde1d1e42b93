using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>Where the AppHost reaches a running node's RESP endpoint, and with which password.</summary>
internal static class NodeAddress
{
    public static bool TryGet(ProjectResource node, out string host, out int port)
    {
        EndpointReference resp = node.GetEndpoint(RedisCloneClusterBuilderExtensions.RespEndpointName);
        if (!resp.IsAllocated)
        {
            host = "";
            port = 0;
            return false;
        }
        host = resp.Host;
        port = resp.Port;
        return true;
    }

    public static async Task<string?> PasswordAsync(RedisCloneClusterResource cluster, CancellationToken cancellationToken) =>
        cluster is { PasswordInConnectionString: true, PasswordParameter: { } password }
            ? await password.GetValueAsync(cancellationToken).ConfigureAwait(false)
            : null;

    /// <summary>Runs one command on a node; the reply as text.</summary>
    public static async Task<string> CallAsync(RedisCloneClusterResource cluster, ProjectResource node, CancellationToken cancellationToken, params string[] command) =>
        (await CallAllAsync(cluster, node, [command], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>Runs commands in turn on one connection to a node; their replies as text.</summary>
    public static async Task<IReadOnlyList<string>> CallAllAsync(RedisCloneClusterResource cluster, ProjectResource node, IReadOnlyList<string[]> commands, CancellationToken cancellationToken)
    {
        if (!TryGet(node, out string host, out int port))
        {
            throw new InvalidOperationException($"{node.Name} has no address yet");
        }
        string? password = await PasswordAsync(cluster, cancellationToken).ConfigureAwait(false);
        return await RespProbe.CallAsync(host, port, password, commands, cancellationToken).ConfigureAwait(false);
    }
}
