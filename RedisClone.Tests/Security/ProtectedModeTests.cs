using System.Net;
using System.Text;
using RedisClone.Node.Configuration;
using RedisClone.Node.Connections;
using RedisClone.Node.Hosting;
using RedisClone.Node.Protocol;
using RedisClone.Node.Util;
using RedisClone.Tests.Compatibility;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Security;

/// <summary>
/// Who protected mode refuses, as a pure rule over addresses: this machine has only loopback addresses, so the
/// end-to-end tests use a client bound to 127.0.0.2, which Redis 7.0 does not count as local either.
/// </summary>
public sealed class ProtectedModeRuleTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("127.0.0.2", false)]
    [InlineData("127.255.255.254", false)]
    [InlineData("::ffff:127.0.0.2", false)]
    [InlineData("10.0.0.5", false)]
    [InlineData("192.168.1.20", false)]
    [InlineData("::ffff:10.0.0.5", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::", false)]
    [InlineData("fe80::1", false)]
    [InlineData("2001:db8::1", false)]
    public void Local_means_127_0_0_1_or_ipv6_loopback_as_in_redis_7_0(string address, bool local) =>
        Assert.Equal(local, Loopback.IsLocal(IPAddress.Parse(address)));

    [Fact]
    public void An_unknown_peer_is_not_local() => Assert.False(Loopback.IsLocal(null));

    [Theory]
    [InlineData(true, false, "10.0.0.5", true)]
    [InlineData(true, false, "127.0.0.1", false)]
    [InlineData(true, true, "10.0.0.5", false)]
    [InlineData(false, false, "10.0.0.5", false)]
    [InlineData(false, true, "10.0.0.5", false)]
    [InlineData(true, false, "::1", false)]
    public void Only_protected_mode_without_a_password_refuses_and_only_clients_that_are_not_local(bool protectedMode, bool password, string address, bool refused) =>
        Assert.Equal(refused, ProtectedMode.Refuses(protectedMode, password, new IPEndPoint(IPAddress.Parse(address), 50000)));

    [Fact]
    public void A_peer_that_is_not_an_ip_endpoint_is_refused() =>
        Assert.True(ProtectedMode.Refuses(protectedMode: true, hasPassword: false, new DnsEndPoint("localhost", 1)));

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.0.0.1 ::1", false)]
    [InlineData("-::1", false)]
    [InlineData("127.0.0.2", false)]
    [InlineData("*", true)]
    [InlineData("-::*", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("::", true)]
    [InlineData("127.0.0.1 10.0.0.5", true)]
    public void Listening_beyond_loopback_is_any_bind_address_that_is_not_loopback(string bind, bool beyond) =>
        Assert.Equal(beyond, ProtectedMode.ListensBeyondLoopback(bind.Split(' ')));

    [Fact]
    public void The_setting_defaults_to_yes_and_takes_yes_or_no()
    {
        Assert.True(new NodeSettings().ProtectedMode);
        SettingDescriptor setting = SettingCatalog.Find("protected-mode")!;
        Assert.Equal("ProtectedMode", setting.ConfigKey);
        Assert.True(setting.Mutable);
        var settings = new NodeSettings();
        Assert.Null(setting.Set(settings, "no"));
        Assert.False(settings.ProtectedMode);
        Assert.Equal("no", setting.Get(settings));
        Assert.Equal("argument must be 'yes' or 'no'", setting.Set(settings, "maybe"));
    }

    [Fact]
    public void A_bad_value_stops_the_node_at_start_naming_the_setting()
    {
        var ex = Assert.Throws<CommandLine.UsageException>(() => NodeHost.Build(["--port", "0", "--protected-mode", "maybe"]));
        Assert.Contains("--protected-mode", ex.Message, StringComparison.Ordinal);
    }
}

/// <summary>Protected mode end to end: a client from 127.0.0.2 against a node bound to 127.0.0.1 with the defaults.</summary>
public sealed class ProtectedModeTests : IAsyncLifetime
{
    private static readonly IPAddress NotLocal = IPAddress.Parse("127.0.0.2");
    private readonly NodeFixture _node = new();

    public Task InitializeAsync() => _node.InitializeAsync();

    public Task DisposeAsync() => _node.DisposeAsync();

    [Fact]
    public void A_client_that_is_not_local_gets_denied_and_closed_and_is_counted()
    {
        using RawClient local = _node.Raw();
        long rejected = Rejected(local);
        using (RawClient remote = RawClient.ConnectFrom(NotLocal, _node.Port))
        {
            Assert.Equal(RespLiterals.ProtectedModeDenied.ToArray(), remote.ReadUntilClosed());
        }
        Assert.Equal("+PONG\r\n", local.Call("PING"));
        Assert.Equal(rejected + 1, Rejected(local));
        Assert.Equal("*2\r\n$14\r\nprotected-mode\r\n$3\r\nyes\r\n", local.Call("CONFIG", "GET", "protected-mode"));
    }

    [Fact]
    public void Config_set_protected_mode_no_lets_them_in_and_yes_shuts_them_out_again()
    {
        using RawClient local = _node.Raw();
        Assert.Equal("+OK\r\n", local.Call("CONFIG", "SET", "protected-mode", "no"));
        using (RawClient remote = RawClient.ConnectFrom(NotLocal, _node.Port))
        {
            Assert.Equal("+PONG\r\n", remote.Call("PING"));
        }
        Assert.Equal("+OK\r\n", local.Call("CONFIG", "SET", "protected-mode", "yes"));
        using (RawClient remote = RawClient.ConnectFrom(NotLocal, _node.Port))
        {
            Assert.StartsWith("-DENIED ", Encoding.ASCII.GetString(remote.ReadUntilClosed()), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_password_lifts_protected_mode_and_the_client_must_authenticate()
    {
        using RawClient local = _node.Raw();
        Assert.Equal("+OK\r\n", local.Call("CONFIG", "SET", "requirepass", "s3cret"));
        try
        {
            using RawClient remote = RawClient.ConnectFrom(NotLocal, _node.Port);
            Assert.Equal("-NOAUTH Authentication required.\r\n", remote.Call("PING"));
            Assert.Equal("+OK\r\n", remote.Call("AUTH", "s3cret"));
            Assert.Equal("+PONG\r\n", remote.Call("PING"));
        }
        finally
        {
            using RawClient admin = _node.Raw();
            Assert.Equal("+OK\r\n", admin.Call("AUTH", "s3cret"));
            Assert.Equal("+OK\r\n", admin.Call("CONFIG", "SET", "requirepass", ""));
        }
    }

    private static long Rejected(RawClient client)
    {
        string line = client.Call("INFO", "stats").Split("\r\n").Single(l => l.StartsWith("rejected_connections:", StringComparison.Ordinal));
        return long.Parse(line.AsSpan("rejected_connections:".Length), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>The node and redis-server refuse the same client with the same bytes.</summary>
public sealed class ProtectedModeCompatibilityTests(DifferentialFixture fixture) : DifferentialTestBase(fixture)
{
    [RequiresToolFact("redis-server")]
    public void A_client_from_127_0_0_2_gets_redis_servers_exact_reply()
    {
        Assert.True(Fixture.Redis.Available, "redis-server is not running:\n" + Fixture.Redis.Log);
        using RawClient toRedis = RawClient.ConnectFrom(IPAddress.Parse("127.0.0.2"), Fixture.Redis.Port);
        using RawClient toNode = RawClient.ConnectFrom(IPAddress.Parse("127.0.0.2"), Fixture.Node.Port);
        byte[] redis = toRedis.ReadUntilClosed();
        Assert.StartsWith("-DENIED ", Encoding.ASCII.GetString(redis), StringComparison.Ordinal);
        Assert.Equal(Encoding.ASCII.GetString(redis), Encoding.ASCII.GetString(toNode.ReadUntilClosed()));
    }
}

/// <summary>The start-up warning of a node that other machines can reach without a password (node processes).</summary>
public sealed class ProtectedModeStartupTests
{
    [Fact]
    public async Task A_node_on_every_address_without_a_password_warns_and_says_protected_mode_refuses_others()
    {
        using RunningNode node = await RunningNode.StartAsync("--port", "0", "--bind", "0.0.0.0");
        await NodeOutput.WaitForAsync(node, "Listening on 0.0.0.0 without a password: protected mode is on");
    }

    [Fact]
    public async Task With_protected_mode_off_from_configuration_the_warning_says_anyone_can_run_commands()
    {
        using RunningNode node = await RunningNode.StartAsync(new Dictionary<string, string> { ["Redis__ProtectedMode"] = "no" }, "--port", "0", "--bind", "*");
        await NodeOutput.WaitForAsync(node, "Listening on * without a password and with protected mode off");
    }

    [Theory]
    [InlineData("--bind 0.0.0.0 --requirepass s3cret")]
    [InlineData("--bind 127.0.0.1")]
    public async Task A_password_or_a_loopback_bind_gives_no_warning(string args)
    {
        using RunningNode node = await RunningNode.StartAsync(["--port", "0", .. args.Split(' ')]);
        // The console logger writes in order: once the security warning of a later POST is out, so would this be.
        using (RawClient browser = RawClient.Connect(NodeOutput.Port(node)))
        {
            browser.Send("POST / HTTP/1.1\r\n");
            browser.ReadUntilClosed();
        }
        await NodeOutput.WaitForAsync(node, "Possible SECURITY ATTACK detected");
        Assert.DoesNotContain("without a password", node.Output, StringComparison.Ordinal);
    }
}

/// <summary>enable-debug-command local uses the same rule as protected mode (Redis's islocalClient): 127.0.0.2 is not local.</summary>
public sealed class DebugLocalTests : IAsyncLifetime
{
    private readonly NodeFixture _node = new("--enable-debug-command", "local", "--protected-mode", "no");

    public Task InitializeAsync() => _node.InitializeAsync();

    public Task DisposeAsync() => _node.DisposeAsync();

    [Fact]
    public void Debug_runs_for_127_0_0_1_and_is_refused_to_127_0_0_2_as_in_redis_7_0()
    {
        using RawClient local = _node.Raw();
        Assert.StartsWith("*4\r\n", local.Call("DEBUG", "HELP"), StringComparison.Ordinal);
        using RawClient other = RawClient.ConnectFrom(IPAddress.Parse("127.0.0.2"), _node.Port);
        Assert.StartsWith("-ERR DEBUG command not allowed.", other.Call("DEBUG", "HELP"), StringComparison.Ordinal);
    }
}
