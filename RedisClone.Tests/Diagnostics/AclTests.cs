using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Diagnostics;

/// <summary>ACL WHOAMI and ACL CAT with a category: the node's own commands by their ACL categories (the order is Redis's hash order there, so not compared with redis-server).</summary>
public sealed class AclTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static List<string> Names(string reply) => RespValue.List(RespValue.Parse(reply)).Cast<string>().ToList();

    [Fact]
    public void Acl_cat_lists_the_commands_of_a_category_with_subcommands_by_full_name()
    {
        using RawClient client = node.Raw();
        List<string> strings = Names(client.Call("ACL", "CAT", "string"));
        Assert.Contains("get", strings);
        Assert.Contains("incrbyfloat", strings);
        Assert.DoesNotContain("del", strings);

        List<string> admin = Names(client.Call("ACL", "CAT", "ADMIN"));
        Assert.Contains("slowlog|get", admin);
        Assert.Contains("config|set", admin);
        Assert.Contains("latency|reset", admin);
        Assert.DoesNotContain("slowlog", admin); // the container itself is only @slow
        Assert.DoesNotContain("slowlog|help", admin);

        List<string> connection = Names(client.Call("ACL", "CAT", "connection"));
        Assert.Contains("client|reply", connection);
        Assert.Contains("wait", connection);
        Assert.Contains("ping", connection);
        Assert.Equal(connection.Count, connection.Distinct().Count());
    }

    [Fact]
    public void Acl_whoami_is_default_for_every_connection()
    {
        using RawClient client = node.Raw();
        Assert.Equal("$7\r\ndefault\r\n", client.Call("ACL", "WHOAMI"));
    }
}
