using System.Security.Cryptography;
using System.Text;
using RedisClone.Node.Cluster.Protocol;
using RedisClone.Node.Configuration;

namespace RedisClone.Node.Cluster;

/// <summary>
/// Who this node is to its peers: a name that survives restarts, an incarnation that tells its lives apart, and the
/// address peers dial, known once the gossip endpoint is bound.
/// </summary>
internal sealed class LocalIdentity
{
    private readonly NodeSettings _settings;

    public LocalIdentity(NodeSettings settings)
    {
        _settings = settings;
        Name = settings.NodeName ?? DefaultName(settings);
        Incarnation = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    }

    public string Name { get; }
    public ulong Incarnation { get; }
    public string Address { get; private set; } = "";

    public NodeIdentity Identity => new() { Name = Name, Incarnation = Incarnation, GossipAddress = Address };

    /// <summary>Fixes the address peers dial: the announced one, or the first specific bind address with the bound port.</summary>
    public void Bind(int boundPort)
    {
        string host = _settings.Bind.FirstOrDefault(b => b is not ("*" or "0.0.0.0" or "::" or "-::*" or "::*")) ?? Environment.MachineName;
        string scheme = _settings.ClusterTlsCertificate is null ? "http" : "https";
        Address = _settings.ClusterAnnounceAddress ?? $"{scheme}://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{boundPort}";
    }

    /// <summary>A stable default name: the same host and port give the same name after a restart.</summary>
    private static string DefaultName(NodeSettings settings) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{Environment.MachineName}:{string.Join(',', settings.Bind)}:{settings.Port}")))[..16];
}
