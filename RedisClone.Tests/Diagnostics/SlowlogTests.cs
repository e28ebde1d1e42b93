using System.Globalization;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Diagnostics;

/// <summary>SLOWLOG with real connections: what is logged, with which arguments, client and duration, and when not.</summary>
public sealed class SlowlogTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static List<List<object?>> Entries(RawClient client, string count = "-1") =>
        RespValue.List(RespValue.Parse(client.Call("SLOWLOG", "GET", count))).Select(RespValue.List).ToList();

    private static string[] Arguments(List<object?> entry) => RespValue.List(entry[3]).Cast<string>().ToArray();

    [Fact]
    public void With_threshold_zero_every_command_is_logged_with_its_client()
    {
        using RawClient client = node.Raw();
        Assert.Equal("+OK\r\n", client.Call("CLIENT", "SETNAME", "slow-one"));
        Assert.Equal("+OK\r\n", client.Call("CONFIG", "SET", "slowlog-log-slower-than", "0"));
        try
        {
            Assert.Equal("+OK\r\n", client.Call("SLOWLOG", "RESET"));
            long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            Assert.Equal("+OK\r\n", client.Call("SET", "slow:k", "v"));
            Assert.Equal("$1\r\nv\r\n", client.Call("GET", "slow:k"));
            long after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

            List<List<object?>> entries = Entries(client);
            // Newest first: GET, SET, then the RESET itself (logged once it had run).
            Assert.Equal(3, entries.Count);
            Assert.Equal("GET slow:k", string.Join(' ', Arguments(entries[0])));
            Assert.Equal("SET slow:k v", string.Join(' ', Arguments(entries[1])));
            Assert.Equal("SLOWLOG RESET", string.Join(' ', Arguments(entries[2])));
            Assert.Equal((long)entries[1][0]! + 1, (long)entries[0][0]!);
            Assert.Equal((long)entries[2][0]! + 1, (long)entries[1][0]!);
            foreach (List<object?> entry in entries)
            {
                Assert.InRange((long)entry[1]!, before, after);
                Assert.True((long)entry[2]! >= 0);
                Assert.Equal($"127.0.0.1:{client.LocalPort}", entry[4]);
                Assert.Equal("slow-one", entry[5]);
            }
            Assert.Equal(":4\r\n", client.Call("SLOWLOG", "LEN")); // the GET -1 above was logged too
            Assert.Single(Entries(client, "1"));
        }
        finally
        {
            Assert.Equal("+OK\r\n", client.Call("CONFIG", "SET", "slowlog-log-slower-than", "10000"));
        }
    }

    [Fact]
    public void A_command_slower_than_the_threshold_is_logged_and_a_fast_one_is_not()
    {
        using RawClient client = node.Raw();
        Assert.Equal("+OK\r\n", client.Call("SELECT", "3"));
        PopulateKeys(client, 100_000);
        Assert.Equal("+OK\r\n", client.Call("CONFIG", "SET", "slowlog-log-slower-than", "1000"));
        try
        {
            Assert.Equal("+OK\r\n", client.Call("SLOWLOG", "RESET"));
            client.Command("KEYS", "*");
            client.ReadReply();
            List<List<object?>> entries = Entries(client);
            List<object?> keys = Assert.Single(entries, e => Arguments(e) is ["KEYS", "*"]);
            Assert.True((long)keys[2]! >= 1000, $"KEYS over 100000 keys logged with {keys[2]} us");

            // One second is far above any PING: nothing is logged.
            Assert.Equal("+OK\r\n", client.Call("CONFIG", "SET", "slowlog-log-slower-than", "1000000"));
            Assert.Equal("+OK\r\n", client.Call("SLOWLOG", "RESET"));
            Assert.Equal("+PONG\r\n", client.Call("PING"));
            Assert.Equal(":0\r\n", client.Call("SLOWLOG", "LEN"));

            Assert.Equal("+OK\r\n", client.Call("CONFIG", "SET", "slowlog-log-slower-than", "-1"));
            client.Command("KEYS", "*");
            client.ReadReply();
            Assert.Equal(":0\r\n", client.Call("SLOWLOG", "LEN"));
        }
        finally
        {
            Assert.Equal("+OK\r\n", client.Call("CONFIG", "SET", "slowlog-log-slower-than", "10000"));
            Assert.Equal("+OK\r\n", client.Call("FLUSHDB"));
        }
    }

    [Fact]
    public void Slowlog_max_len_keeps_the_newest_entries()
    {
        using RawClient client = node.Raw();
        Assert.Equal("+OK\r\n", client.Call("CONFIG", "SET", "slowlog-log-slower-than", "0", "slowlog-max-len", "3"));
        try
        {
            for (int i = 0; i < 10; i++)
            {
                Assert.Equal("$1\r\n" + i + "\r\n", client.Call("ECHO", i.ToString(CultureInfo.InvariantCulture)));
            }
            List<List<object?>> entries = Entries(client);
            Assert.Equal("ECHO 9, ECHO 8, ECHO 7", string.Join(", ", entries.Select(e => string.Join(' ', Arguments(e)))));
        }
        finally
        {
            Assert.Equal("+OK\r\n", client.Call("CONFIG", "SET", "slowlog-log-slower-than", "10000", "slowlog-max-len", "128"));
        }
    }

    [Fact]
    public void Another_clients_slow_command_shows_its_address()
    {
        using RawClient admin = node.Raw();
        using RawClient other = node.Raw();
        Assert.Equal("+OK\r\n", admin.Call("CONFIG", "SET", "slowlog-log-slower-than", "0"));
        try
        {
            Assert.Equal("+OK\r\n", other.Call("SET", "slow:other", "x"));
            List<object?> entry = Assert.Single(Entries(admin), e => Arguments(e) is ["SET", "slow:other", "x"]);
            Assert.Equal($"127.0.0.1:{other.LocalPort}", entry[4]);
            Assert.Equal("", entry[5]);
        }
        finally
        {
            Assert.Equal("+OK\r\n", admin.Call("CONFIG", "SET", "slowlog-log-slower-than", "10000"));
        }
    }

    /// <summary>Fills the client's database with <paramref name="count"/> keys, 1000 to an MSET, pipelined.</summary>
    internal static void PopulateKeys(RawClient client, int count)
    {
        const int PerCommand = 1000;
        var batch = new System.Text.StringBuilder();
        for (int start = 0; start < count; start += PerCommand)
        {
            batch.Append('*').Append(1 + 2 * PerCommand).Append("\r\n$4\r\nMSET\r\n");
            for (int i = start; i < start + PerCommand; i++)
            {
                string key = "fill:" + i.ToString(CultureInfo.InvariantCulture);
                batch.Append('$').Append(key.Length).Append("\r\n").Append(key).Append("\r\n$1\r\nv\r\n");
            }
        }
        client.Send(batch.ToString());
        for (int start = 0; start < count; start += PerCommand)
        {
            Assert.Equal("+OK\r\n", client.ReadReply());
        }
    }
}
