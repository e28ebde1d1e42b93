using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using RedisClone.Node.Hosting;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Hosting;

/// <summary>The node's Kestrel really receives into the 64 KB blocks (and a big value still arrives whole).</summary>
public class ReceiveBlockPoolHostTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public void Kestrel_takes_its_blocks_from_the_node_pool()
    {
        var factory = Assert.IsType<ReceiveBlockPool.Factory>(node.Services.GetRequiredService<IMemoryPoolFactory<byte>>());
        using RawClient client = node.Raw();
        string value = string.Concat(Enumerable.Range(0, 300_000).Select(i => (char)('a' + (i % 26))));
        Assert.Equal("+OK\r\n", client.Call("SET", "pooled", value));
        Assert.Equal(":300000\r\n", client.Call("STRLEN", "pooled"));
        Assert.Equal("$300000\r\n" + value + "\r\n", client.Call("GET", "pooled"));
        Assert.True(Interlocked.Read(ref factory.BlocksAllocated) > 0, "no block came from the node's pool");
    }
}
