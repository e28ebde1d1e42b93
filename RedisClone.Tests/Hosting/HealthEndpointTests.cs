using System.Net;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Hosting;

/// <summary>The HTTP endpoint of ServiceDefaults: /health and /alive, as an Aspire AppHost or a load balancer probes them.</summary>
public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Health_and_alive_answer_healthy_on_the_http_port()
    {
        var node = new NodeFixture("--http-port", "0");
        await node.InitializeAsync();
        try
        {
            Assert.NotEqual(0, node.Server.BoundHttpPort);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{node.Server.BoundHttpPort}") };
            foreach (string path in new[] { "/health", "/alive" })
            {
                using HttpResponseMessage response = await http.GetAsync(new Uri(path, UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
            }
            // The RESP endpoint is unaffected.
            using RawClient client = node.Raw();
            Assert.Equal("+PONG\r\n", client.Call("PING"));
        }
        finally
        {
            await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task Without_an_http_port_the_node_serves_no_http()
    {
        var node = new NodeFixture();
        await node.InitializeAsync();
        try
        {
            Assert.Equal(0, node.Server.BoundHttpPort);
        }
        finally
        {
            await node.DisposeAsync();
        }
    }
}
