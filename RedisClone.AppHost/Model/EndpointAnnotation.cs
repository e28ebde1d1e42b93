namespace RedisClone.AppHost.Model;

/// <summary>
/// A named endpoint of a resource, with the fields of an Aspire manifest binding. The AppHost does not proxy, so the
/// port a client uses is the port the app listens on (<see cref="TargetPort"/>), in run mode as in the manifest.
/// </summary>
/// <param name="Name">Binding name (resp, gossip, http): the key in the manifest and in service discovery.</param>
/// <param name="Scheme">tcp, http or https: the scheme of the endpoint's URL.</param>
/// <param name="Transport">tcp, http or http2 (gRPC needs http2).</param>
/// <param name="TargetPort">The port the app listens on.</param>
internal sealed record EndpointAnnotation(string Name, string Scheme, string Transport, int TargetPort)
{
    /// <summary>The network protocol; every endpoint here is TCP.</summary>
    public const string Protocol = "tcp";
}
