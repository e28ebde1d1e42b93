using System.Diagnostics;
using System.Globalization;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Diagnostics;

/// <summary>
/// CLIENT KILL with each filter of Redis 7.0 and their combinations, over real connections: the count it answers, the
/// connections that close and those that stay. Also CLIENT LIST's memory fields as Redis counts them.
/// </summary>
public sealed class ClientKillTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static string Address(RawClient client) => "127.0.0.1:" + client.LocalPort.ToString(CultureInfo.InvariantCulture);

    private static long Id(RawClient client) => long.Parse(client.Call("CLIENT", "ID").AsSpan(1).TrimEnd("\r\n"), CultureInfo.InvariantCulture);

    private static void AssertOpen(RawClient client) => Assert.Equal("+PONG\r\n", client.Call("PING"));

    /// <summary>A connection the node has registered (it answered once), so filters can find it.</summary>
    private RawClient Connect()
    {
        RawClient client = node.Raw();
        AssertOpen(client);
        return client;
    }

    /// <summary>Waits, up to a deadline, until CLIENT LIST no longer shows <paramref name="address"/> (a killed client's cleanup is asynchronous).</summary>
    private void WaitUntilGone(string address)
    {
        using RawClient admin = node.Raw();
        var clock = Stopwatch.StartNew();
        while (admin.Call("CLIENT", "LIST").Contains("addr=" + address + " ", StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < Deadline, $"{address} still listed after {Deadline}");
            Thread.Sleep(10);
        }
    }

    [Fact]
    public void Kill_by_id_closes_that_client_only()
    {
        using RawClient killer = Connect();
        using RawClient victim = Connect();
        using RawClient bystander = Connect();
        string victimId = Id(victim).ToString(CultureInfo.InvariantCulture);
        Assert.Equal(":1\r\n", killer.Call("CLIENT", "KILL", "ID", victimId));
        Assert.True(victim.WaitForClose());
        AssertOpen(bystander);
        AssertOpen(killer);
        WaitUntilGone(Address(victim));
        Assert.Equal(":0\r\n", killer.Call("CLIENT", "KILL", "ID", victimId));
    }

    [Fact]
    public void Kill_by_addr_and_the_old_form()
    {
        using RawClient killer = Connect();
        using RawClient first = Connect();
        using RawClient second = Connect();
        Assert.Equal(":1\r\n", killer.Call("CLIENT", "KILL", "ADDR", Address(first)));
        Assert.True(first.WaitForClose());
        Assert.Equal("+OK\r\n", killer.Call("CLIENT", "KILL", Address(second)));
        Assert.True(second.WaitForClose());
        WaitUntilGone(Address(second));
        Assert.Equal("-ERR No such client\r\n", killer.Call("CLIENT", "KILL", Address(second)));
        AssertOpen(killer);
    }

    [Fact]
    public void Killing_itself_the_client_gets_its_reply_then_is_closed()
    {
        using RawClient self = Connect();
        Assert.Equal(":1\r\n", self.Call("CLIENT", "KILL", "ID", Id(self).ToString(CultureInfo.InvariantCulture), "SKIPME", "no"));
        Assert.True(self.WaitForClose());

        using RawClient old = Connect();
        Assert.Equal("+OK\r\n", old.Call("CLIENT", "KILL", Address(old)));
        Assert.True(old.WaitForClose());
    }

    [Fact]
    public void Skipme_yes_spares_the_killer_and_no_does_not()
    {
        using RawClient killer = Connect();
        using RawClient victim = Connect();
        string id = Id(killer).ToString(CultureInfo.InvariantCulture);
        Assert.Equal(":0\r\n", killer.Call("CLIENT", "KILL", "ID", id));
        Assert.Equal(":0\r\n", killer.Call("CLIENT", "KILL", "ID", id, "SKIPME", "yes"));
        AssertOpen(killer);
        // LADDR matches every client of this node; with USER default and SKIPME yes, all but the killer go.
        Assert.Equal(":1\r\n", killer.Call("CLIENT", "KILL", "LADDR", node.Endpoint, "USER", "default", "ADDR", Address(victim), "SKIPME", "yes"));
        Assert.True(victim.WaitForClose());
        AssertOpen(killer);
        Assert.Equal(":1\r\n", killer.Call("CLIENT", "KILL", "ADDR", Address(killer), "SKIPME", "no"));
        Assert.True(killer.WaitForClose());
    }

    [Fact]
    public void Filters_combine_and_type_pubsub_picks_subscribers()
    {
        using RawClient killer = Connect();
        using RawClient subscriber = Connect();
        using RawClient normal = Connect();
        subscriber.Command("SUBSCRIBE", "kill:channel");
        Assert.StartsWith("*3\r\n$9\r\nsubscribe\r\n", subscriber.ReadReply(), StringComparison.Ordinal);
        string subscriberId = SubscriberId(killer, subscriber);

        // Every filter must match: a subscriber's id with TYPE normal kills nothing.
        Assert.Equal(":0\r\n", killer.Call("CLIENT", "KILL", "ID", subscriberId, "TYPE", "normal"));
        Assert.Equal(":0\r\n", killer.Call("CLIENT", "KILL", "TYPE", "pubsub", "ADDR", Address(normal)));
        Assert.Equal(":0\r\n", killer.Call("CLIENT", "KILL", "TYPE", "replica"));
        Assert.Equal(":0\r\n", killer.Call("CLIENT", "KILL", "TYPE", "master"));
        Assert.Equal(":1\r\n", killer.Call("CLIENT", "KILL", "TYPE", "pubsub", "ID", subscriberId));
        Assert.True(subscriber.WaitForClose());
        AssertOpen(normal);
        Assert.Equal(":1\r\n", killer.Call("CLIENT", "KILL", "TYPE", "normal", "ADDR", Address(normal), "LADDR", node.Endpoint));
        Assert.True(normal.WaitForClose());
        AssertOpen(killer);
    }

    [Fact]
    public void Maxage_kills_only_clients_at_least_that_old()
    {
        using RawClient killer = Connect();
        using RawClient victim = Connect();
        Assert.Equal(":0\r\n", killer.Call("CLIENT", "KILL", "ADDR", Address(victim), "MAXAGE", "3600"));
        AssertOpen(victim);
        Assert.Equal(":1\r\n", killer.Call("CLIENT", "KILL", "ADDR", Address(victim), "MAXAGE", "0"));
        Assert.True(victim.WaitForClose());
    }

    [Fact]
    public void Client_list_counts_query_buffer_arguments_and_queued_commands_as_redis()
    {
        using RawClient asking = Connect();
        using RawClient queuing = Connect();
        Assert.Equal("+OK\r\n", queuing.Call("MULTI"));
        Assert.Equal("+QUEUED\r\n", queuing.Call("SET", "a", "1"));
        Assert.Equal("+QUEUED\r\n", queuing.Call("SET", "bb", "22"));

        string list = asking.Call("CLIENT", "LIST");
        string own = Line(list, Address(asking));
        // The running CLIENT LIST is still in the query buffer (26 bytes), its arguments are "CLIENT" and "LIST".
        Assert.Contains(" qbuf=26 ", own, StringComparison.Ordinal);
        Assert.Contains(" argv-mem=10 ", own, StringComparison.Ordinal);
        Assert.Contains(" multi-mem=0 ", own, StringComparison.Ordinal);
        Assert.Contains(" tot-mem=36 ", own, StringComparison.Ordinal);
        // Two queued commands: their argument bytes (5 + 7) and 8 bytes per argument pointer (6 x 8): Redis's 60.
        string other = Line(list, Address(queuing));
        Assert.True(other.Contains(" qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=60 ", StringComparison.Ordinal), other);
        Assert.Contains(" tot-mem=60 ", other, StringComparison.Ordinal);
        Assert.Contains(" multi=2 ", other, StringComparison.Ordinal);
        // As in Redis, cmd= is the command last looked up, a queued one included; NULL after an unknown one.
        Assert.Contains(" cmd=set ", other, StringComparison.Ordinal);

        // An unfinished command waits in the query buffer.
        const string Partial = "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$10\r\n12345";
        queuing.Send(Partial);
        var clock = Stopwatch.StartNew();
        while (!Line(asking.Call("CLIENT", "LIST"), Address(queuing)).Contains($" qbuf={Partial.Length} ", StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < Deadline, "the unfinished command never showed in qbuf");
            Thread.Sleep(10);
        }
        queuing.Send("67890\r\n");
        Assert.Equal("+QUEUED\r\n", queuing.ReadReply());
        Assert.Equal("+OK\r\n", queuing.Call("DISCARD"));
        Assert.StartsWith("-ERR unknown command", queuing.Call("NOSUCH"), StringComparison.Ordinal);
        Assert.Contains(" cmd=NULL ", Line(asking.Call("CLIENT", "LIST"), Address(queuing)), StringComparison.Ordinal);
        Assert.StartsWith("-ERR wrong number", queuing.Call("GET"), StringComparison.Ordinal);
        Assert.Contains(" cmd=get ", Line(asking.Call("CLIENT", "LIST"), Address(queuing)), StringComparison.Ordinal);
    }

    private static string Line(string list, string address) =>
        Assert.Single(list.Split('\n'), l => l.Contains("addr=" + address + " ", StringComparison.Ordinal));

    private static string SubscriberId(RawClient admin, RawClient subscriber)
    {
        string line = Line(admin.Call("CLIENT", "LIST"), Address(subscriber));
        Assert.Contains(" flags=P ", line, StringComparison.Ordinal);
        int start = line.IndexOf("id=", StringComparison.Ordinal) + 3;
        return line[start..line.IndexOf(' ', start)];
    }
}
