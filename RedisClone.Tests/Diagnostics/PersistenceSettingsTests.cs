using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Diagnostics;

/// <summary>
/// save and appendonly as tools set them (redis-benchmark, test suites): save rules are accepted and shown back while the
/// node keeps data in memory only, which INFO persistence says; appendonly yes is refused.
/// </summary>
public sealed class PersistenceSettingsTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public void Save_rules_are_accepted_shown_and_reported_as_ignored()
    {
        using RawClient client = node.Raw();
        try
        {
            Assert.Equal("+OK\r\n", client.Call("CONFIG", "SET", "save", "3600 1 300 100 60 10000"));
            Assert.Equal("*2\r\n$4\r\nsave\r\n$23\r\n3600 1 300 100 60 10000\r\n", client.Call("CONFIG", "GET", "save"));
            string info = client.Call("INFO", "persistence");
            Assert.Contains("\r\npersistence:none\r\n", info, StringComparison.Ordinal);
            Assert.Contains("\r\nsave_rules_ignored:3600 1 300 100 60 10000\r\n", info, StringComparison.Ordinal);
            Assert.Contains("\r\naof_enabled:0\r\n", info, StringComparison.Ordinal);

            Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'appendonly') - appendonly yes is not supported: the node does not persist\r\n",
                client.Call("CONFIG", "SET", "appendonly", "yes"));
            Assert.Equal("*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n", client.Call("CONFIG", "GET", "appendonly"));
            // All or nothing: a refused appendonly leaves save as it was.
            Assert.StartsWith("-ERR", client.Call("CONFIG", "SET", "save", "", "appendonly", "yes"), StringComparison.Ordinal);
            Assert.Equal("*2\r\n$4\r\nsave\r\n$23\r\n3600 1 300 100 60 10000\r\n", client.Call("CONFIG", "GET", "save"));
        }
        finally
        {
            Assert.Equal("+OK\r\n", client.Call("CONFIG", "SET", "save", ""));
        }
        Assert.Contains("\r\nsave_rules_ignored:\r\n", client.Call("INFO", "persistence"), StringComparison.Ordinal);
    }
}
