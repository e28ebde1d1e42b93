using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using RedisClone.Node.Cluster;
using RedisClone.Node.Commands;
using RedisClone.Node.Hosting;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Cluster;

/// <summary>Gossip over TLS, with node certificates issued by a private authority every node trusts.</summary>
public sealed class ClusterTlsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("redisclone-tls-").FullName;

    [Fact]
    public async Task Nodes_gossip_over_tls_with_certificates_from_a_shared_authority()
    {
        (string pfx, string caPem) = IssueCertificates();
        string[] tls = ["--cluster-tls-certificate", pfx, "--cluster-tls-certificate-password", "pw", "--cluster-tls-ca", caPem, "--cluster-heartbeat-ms", "100"];
        WebApplication first = NodeHost.Build(["--port", "0", "--cluster-port", "0", "--node-name", "t1", .. tls]);
        await first.StartAsync();
        ClusterNode firstCluster = first.Services.GetRequiredService<ClusterNode>();
        Assert.StartsWith("https://", firstCluster.Address);
        WebApplication second = NodeHost.Build(["--port", "0", "--cluster-port", "0", "--node-name", "t2", "--cluster-peers", firstCluster.Address, .. tls]);
        await second.StartAsync();
        try
        {
            NodeServer one = first.Services.GetRequiredService<NodeServer>();
            NodeServer two = second.Services.GetRequiredService<NodeServer>();
            await ClusterFixture.WaitUntil(() => one.Cluster!.MembersSnapshot().Any(m => m.Link?.Connected == true)
                && two.Cluster!.MembersSnapshot().Any(m => m.Link?.Connected == true), "both TLS links to come up");
            using RawClient subscriber = RawClient.Connect(two.BoundPort);
            using RawClient publisher = RawClient.Connect(one.BoundPort);
            subscriber.Call("SUBSCRIBE", "tls:chan");
            publisher.Call("PUBLISH", "tls:chan", "secret");
            Assert.Equal("*3\r\n$7\r\nmessage\r\n$8\r\ntls:chan\r\n$6\r\nsecret\r\n", subscriber.ReadReply());
        }
        finally
        {
            await second.StopAsync();
            await first.StopAsync();
            await second.DisposeAsync();
            await first.DisposeAsync();
        }
    }

    private (string Pfx, string CaPem) IssueCertificates()
    {
        using RSA caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=RedisClone test authority", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using X509Certificate2 ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        using RSA nodeKey = RSA.Create(2048);
        var nodeRequest = new CertificateRequest("CN=127.0.0.1", nodeKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        nodeRequest.CertificateExtensions.Add(names.Build());
        nodeRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using X509Certificate2 issued = nodeRequest.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), [1, 2, 3, 4]);
        using X509Certificate2 withKey = issued.CopyWithPrivateKey(nodeKey);

        string pfx = Path.Combine(_directory, "node.pfx");
        File.WriteAllBytes(pfx, withKey.Export(X509ContentType.Pfx, "pw"));
        string caPem = Path.Combine(_directory, "ca.pem");
        File.WriteAllText(caPem, ca.ExportCertificatePem());
        return (pfx, caPem);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
