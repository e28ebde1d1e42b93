using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using RedisClone.Node.Configuration;

namespace RedisClone.Node.Cluster;

/// <summary>Builds the gRPC channels links dial peers with: keep-alives, bounded frames, fast reconnects, and TLS trust.</summary>
internal sealed class PeerChannelFactory
{
    /// <summary>The largest gRPC message either end accepts. Frames stay far below it: big messages go in parts.</summary>
    public const int MaxFrameBytes = 4 * 1024 * 1024;

    // The authority peers' certificates must chain to; null: the system's trust decides.
    private readonly X509Certificate2? _authority;

    /// <param name="authorityPath">A PEM file with the certificate authority peers' certificates must chain to, or null.</param>
    public PeerChannelFactory(string? authorityPath)
    {
        if (authorityPath is not null)
        {
            try
            {
                _authority = X509Certificate2.CreateFromPem(File.ReadAllText(authorityPath));
            }
            catch (CryptographicException ex)
            {
                throw new CommandLine.UsageException($"invalid --cluster-tls-ca (Redis:ClusterTlsCa) '{authorityPath}': {ex.Message}");
            }
        }
    }

    public GrpcChannel Create(string address)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(10),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        if (_authority is { } authority)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => ChainsTo(certificate, authority);
        }
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxReceiveMessageSize = MaxFrameBytes,
            MaxSendMessageSize = MaxFrameBytes,
            // The channel's own reconnect backoff grows to two minutes by default, failing every call at once until
            // it ends: a peer back from a long absence stayed unreachable for seconds. The link paces its retries.
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(50),
            MaxReconnectBackoff = TimeSpan.FromMilliseconds(250),
        });
    }

    private static bool ChainsTo(X509Certificate? certificate, X509Certificate2 authority)
    {
        if (certificate is null)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var peer = new X509Certificate2(certificate);
        return chain.Build(peer);
    }
}
