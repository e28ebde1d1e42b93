using System.Diagnostics;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Observability;

/// <summary>A node with a password that records db.query.text (--trace-query-text yes).</summary>
public sealed class QueryTextNodeFixture : IAsyncLifetime
{
    public const string Password = "pw-Zq81-never-traced";

    private readonly NodeFixture _node = new("--requirepass", Password, "--trace-query-text", "yes");

    public int Port => _node.Port;

    public RawClient Authenticated()
    {
        RawClient client = _node.Raw();
        Assert.Equal("+OK\r\n", client.Call("AUTH", Password));
        return client;
    }

    public RawClient Raw() => _node.Raw();

    public Task InitializeAsync() => _node.InitializeAsync();

    public Task DisposeAsync() => _node.DisposeAsync();
}

public class QueryTextTracingTests(QueryTextNodeFixture node) : IClassFixture<QueryTextNodeFixture>
{
    private static Task<Activity> SpanOf(SpanCollector collector, RawClient client, string name) =>
        collector.WaitFor(a => a.DisplayName == name && Equals(a.GetTagItem("network.peer.port"), client.LocalPort), $"the {name} span");

    [Fact]
    public async Task The_option_records_the_sanitised_command_and_config_set_switches_it()
    {
        using var collector = new SpanCollector();
        using RawClient client = node.Authenticated();
        client.Call("SET", "qt:key", "secret-value", "EX", "100");
        Activity set = await SpanOf(collector, client, "SET");
        Assert.Equal("SET qt:key ? EX ?", set.GetTagItem("db.query.text"));

        Assert.Equal("+OK\r\n", client.Call("CONFIG", "SET", "trace-query-text", "no"));
        try
        {
            Assert.Equal("*2\r\n$16\r\ntrace-query-text\r\n$2\r\nno\r\n", client.Call("CONFIG", "GET", "trace-query-text"));
            client.Call("GET", "qt:key");
            Activity get = await SpanOf(collector, client, "GET");
            Assert.Null(get.GetTagItem("db.query.text"));
            Assert.Equal("GET", get.GetTagItem("db.operation.name"));
        }
        finally
        {
            Assert.Equal("+OK\r\n", client.Call("CONFIG", "SET", "trace-query-text", "yes"));
        }
        Assert.StartsWith("-ERR CONFIG SET failed (possibly related to argument 'trace-query-text') - argument must be 'yes' or 'no'",
            client.Call("CONFIG", "SET", "trace-query-text", "maybe"));
    }

    [Fact]
    public async Task Passwords_never_reach_a_span()
    {
        using var collector = new SpanCollector();
        using RawClient client = node.Raw();
        Assert.StartsWith("-WRONGPASS", client.Call("AUTH", "default", "wrong-" + QueryTextNodeFixture.Password));
        Assert.Equal("+OK\r\n", client.Call("AUTH", QueryTextNodeFixture.Password));
        Assert.StartsWith("%", client.Call("HELLO", "3", "AUTH", "default", QueryTextNodeFixture.Password, "SETNAME", "qt-app"));
        Assert.Equal("+OK\r\n", client.Call("CONFIG", "SET", "requirepass", QueryTextNodeFixture.Password));

        Activity hello = await SpanOf(collector, client, "HELLO");
        Assert.Equal("HELLO ? AUTH ? ? SETNAME ?", hello.GetTagItem("db.query.text"));
        Activity config = await SpanOf(collector, client, "CONFIG|SET");
        Assert.Equal("CONFIG SET requirepass ?", config.GetTagItem("db.query.text"));
        Activity[] auths = [.. collector.Spans.Where(a => a.DisplayName == "AUTH" && Equals(a.GetTagItem("network.peer.port"), client.LocalPort))];
        Assert.Equal(2, auths.Length);
        Assert.Contains(auths, a => Equals(a.GetTagItem("db.query.text"), "AUTH ? ?") && a.Status == ActivityStatusCode.Error);
        Assert.Contains(auths, a => Equals(a.GetTagItem("db.query.text"), "AUTH ?") && a.Status == ActivityStatusCode.Unset);
        foreach (Activity span in collector.Spans.Where(a => Equals(a.GetTagItem("network.peer.port"), client.LocalPort)))
        {
            Assert.DoesNotContain(span.TagObjects, tag => tag.Value is string text && text.Contains(QueryTextNodeFixture.Password, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_huge_key_is_cut_to_a_bounded_text()
    {
        using var collector = new SpanCollector();
        using RawClient client = node.Authenticated();
        string key = new('k', 4 * 1024 * 1024);
        Assert.Equal("+OK\r\n", client.Call("SET", key, "v"));
        Activity set = await SpanOf(collector, client, "SET");
        string text = Assert.IsType<string>(set.GetTagItem("db.query.text"));
        Assert.Equal($"SET {new string('k', 128)}... ({key.Length - 128} more bytes) ?", text);
        client.Call("DEL", key);
    }
}
