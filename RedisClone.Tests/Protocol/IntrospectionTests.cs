using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Protocol;

/// <summary>COMMAND as clients read it when they start (plain COMMAND, as some clients and tools send it; COMMAND DOCS).</summary>
public sealed class IntrospectionTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public void Command_without_a_subcommand_describes_every_command()
    {
        using RawClient client = node.Raw();
        string count = client.Call("COMMAND", "COUNT");
        string all = client.Call("COMMAND");

        Assert.StartsWith("*" + count[1..], all, StringComparison.Ordinal);
        Assert.Contains("*10\r\n$7\r\nmonitor\r\n:1\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n", all, StringComparison.Ordinal);
        Assert.Contains("*10\r\n$3\r\nget\r\n:2\r\n", all, StringComparison.Ordinal);
    }

    [Fact]
    public void Command_docs_leaves_out_a_complexity_the_docs_do_not_state()
    {
        using RawClient client = node.Raw();
        Assert.Equal(
            "*2\r\n$7\r\nmonitor\r\n*6\r\n$7\r\nsummary\r\n$59\r\nListen for all requests received by the server in real time\r\n" +
            "$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n",
            client.Call("COMMAND", "DOCS", "monitor"));
    }

    [Fact]
    public void Client_without_a_subcommand_is_an_arity_error() =>
        Assert.Equal("-ERR wrong number of arguments for 'client' command\r\n", node.Raw().Call("CLIENT"));
}
