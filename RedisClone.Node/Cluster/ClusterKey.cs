using System.Security.Cryptography;
using System.Text;
using Grpc.Core;

namespace RedisClone.Node.Cluster;

/// <summary>The shared cluster key: sent with every call this node makes, and required of every call it accepts.</summary>
internal sealed class ClusterKey
{
    public const string Header = "x-redisclone-cluster-key";

    private readonly string _key;
    private readonly byte[] _keyBytes;

    public ClusterKey(string? key)
    {
        _key = key ?? "";
        _keyBytes = Encoding.UTF8.GetBytes(_key);
    }

    public Metadata CallHeaders() => new() { { Header, _key } };

    /// <summary>Compared in constant time, so the time a refusal takes tells nothing about the key.</summary>
    public bool IsAuthorized(Metadata headers)
    {
        string presented = headers.GetValue(Header) ?? "";
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _keyBytes);
    }
}
