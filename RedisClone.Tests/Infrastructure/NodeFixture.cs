using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using RedisClone.Node.Commands;
using RedisClone.Node.Hosting;

namespace RedisClone.Tests.Infrastructure;

/// <summary>A real node on a loopback port picked by the OS, started in-process and stopped with the fixture.</summary>
public sealed class NodeFixture : IAsyncLifetime
{
    private readonly string[] _extraArgs;
    private WebApplication? _app;

    public NodeFixture()
        : this([])
    {
    }

    // Internal: xunit builds class fixtures through their only public constructor.
    internal NodeFixture(params string[] extraArgs) => _extraArgs = extraArgs;

    public int Port { get; private set; }

    internal NodeServer Server => _app!.Services.GetRequiredService<NodeServer>();

    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>The node host's services, for tests that look at what the host composed.</summary>
    internal IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("the node has not started");

    public async Task InitializeAsync()
    {
        _app = NodeHost.Build(["--port", "0", "--bind", "127.0.0.1", .. _extraArgs]);
        await _app.StartAsync();
        Port = Server.BoundPort;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    public RawClient Raw() => RawClient.Connect(Port);
}

/// <summary>A node that requires a password.</summary>
public sealed class PasswordNodeFixture() : IAsyncLifetime
{
    private readonly NodeFixture _node = new("--requirepass", "s3cret");

    public int Port => _node.Port;

    public RawClient Raw() => _node.Raw();

    public Task InitializeAsync() => _node.InitializeAsync();

    public Task DisposeAsync() => _node.DisposeAsync();
}
