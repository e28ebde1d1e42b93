using RedisClone.Node.Cluster;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Cluster;

/// <summary>DEBUG is refused as Redis 7 refuses it unless enable-debug-command allows it; GOSSIP-CUT is the fault switch.</summary>
public class DebugCommandTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private const string NotAllowed = "-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n";

    [Theory]
    [InlineData("GOSSIP-CUT", "100")]
    [InlineData("HELP")]
    [InlineData("SLEEP", "0")]
    public void Debug_is_refused_by_default_with_redis_text(params string[] args)
    {
        using RawClient client = node.Raw();
        Assert.Equal(NotAllowed, client.Call(["DEBUG", .. args]));
        Assert.Equal("*2\r\n$20\r\nenable-debug-command\r\n$2\r\nno\r\n", client.Call("CONFIG", "GET", "enable-debug-command"));
    }

    [Fact]
    public void Debug_alone_is_an_arity_error()
    {
        using RawClient client = node.Raw();
        Assert.Equal("-ERR wrong number of arguments for 'debug' command\r\n", client.Call("DEBUG"));
    }
}

public sealed class LocalDebugNodeFixture() : IAsyncLifetime
{
    private readonly NodeFixture _node = new("--enable-debug-command", "local");

    public RawClient Raw() => _node.Raw();

    public Task InitializeAsync() => _node.InitializeAsync();

    public Task DisposeAsync() => _node.DisposeAsync();
}

public class LocalDebugCommandTests(LocalDebugNodeFixture node) : IClassFixture<LocalDebugNodeFixture>
{
    [Fact]
    public void A_loopback_client_may_run_debug_when_it_is_local()
    {
        using RawClient client = node.Raw();
        Assert.StartsWith("*4\r\n+DEBUG <subcommand>", client.Call("DEBUG", "HELP"));
        Assert.Equal("-ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP.\r\n", client.Call("DEBUG", "foo"));
        Assert.Equal("-ERR unknown subcommand or wrong number of arguments for 'GOSSIP-CUT'. Try DEBUG HELP.\r\n", client.Call("DEBUG", "GOSSIP-CUT"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", client.Call("DEBUG", "GOSSIP-CUT", "x"));
        Assert.Equal("-ERR milliseconds must be between 0 and 3600000\r\n", client.Call("DEBUG", "GOSSIP-CUT", "3600001"));
        Assert.Equal("-ERR this node is not part of a cluster\r\n", client.Call("DEBUG", "GOSSIP-CUT", "3600000"));
        Assert.Equal("*2\r\n$20\r\nenable-debug-command\r\n$5\r\nlocal\r\n", client.Call("CONFIG", "GET", "enable-debug-command"));
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - can't set immutable config\r\n",
            client.Call("CONFIG", "SET", "enable-debug-command", "yes"));
    }
}

/// <summary>A cluster whose nodes let loopback clients run DEBUG.</summary>
public sealed class DebugClusterFixture : ClusterFixture
{
    protected override string[] ExtraArgs => [.. base.ExtraArgs, "--enable-debug-command", "local"];
}

public class DebugGossipCutTests(DebugClusterFixture cluster) : IClassFixture<DebugClusterFixture>
{
    [Fact]
    public async Task Gossip_cut_drops_every_link_for_its_time_and_they_come_back()
    {
        using RawClient client = cluster.Raw(0);
        Member node2 = cluster.Cluster(0).MembersSnapshot().Single(m => m.Name == "n2");
        Assert.Equal("+OK\r\n", client.Call("DEBUG", "GOSSIP-CUT", "3000"));
        await ClusterFixture.WaitUntil(() => !node2.Link!.Connected, "the link to n2 to drop");
        await ClusterFixture.WaitUntil(() => !cluster.Cluster(0).LinksCut && node2.Link!.Connected, "the link to n2 to come back after the cut");
        Assert.Contains("gossip_faults:0", client.Call("INFO", "gossip"));
    }
}
