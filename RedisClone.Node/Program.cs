using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using RedisClone.Node.Commands;
using RedisClone.Node.Configuration;
using RedisClone.Node.Hosting;

InlineIo.EnableUnlessConfigured();

if (CommandLine.WantsHelp(args))
{
    Console.Write(CommandLine.Help());
    return 0;
}

WebApplication app;
try
{
    app = NodeHost.Build(args);
}
catch (CommandLine.UsageException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}

NodeServer server = app.Services.GetRequiredService<NodeServer>();
try
{
    await app.StartAsync().ConfigureAwait(false);
}
catch (Exception ex) when (IsAddressInUse(ex))
{
    (int port, string flags) = PortInUse(ex, server.Settings);
    Console.Error.WriteLine($"error: port {port} is already in use on {string.Join(' ', server.Settings.Bind)} ({flags})");
    return 1;
}
catch (Exception ex) when (ex is IOException or SocketException)
{
    Console.Error.WriteLine($"error: cannot listen on {string.Join(' ', server.Settings.Bind)} port {server.Settings.Port} (--bind / --port): {ex.Message}");
    return 1;
}

Console.WriteLine($"Ready to accept connections tcp on {string.Join(' ', server.Settings.Bind)} port {server.BoundPort}");
await app.WaitForShutdownAsync().ConfigureAwait(false);
return 0;

// Kestrel names the address it failed to bind ("Failed to bind to address http://127.0.0.1:16380: ..."); of the
// node's endpoints, the one whose port that address carries is the one in use (the RESP port when none matches).
static (int Port, string Flags) PortInUse(Exception ex, NodeSettings settings)
{
    var candidates = new List<(int Port, string Flags)> { (settings.Port, "--port / --bind") };
    if (settings.HttpPort is int httpPort)
    {
        candidates.Add((httpPort, "--http-port"));
    }
    if (settings.Clustered)
    {
        candidates.Add((settings.EffectiveClusterPort, "--cluster-port"));
    }
    for (Exception? e = ex; e is not null; e = e.InnerException)
    {
        foreach ((int port, string flags) in candidates)
        {
            if (port != 0 && Regex.IsMatch(e.Message, $@":{port}(?!\d)"))
            {
                return (port, flags);
            }
        }
    }
    return candidates[0];
}

static bool IsAddressInUse(Exception ex)
{
    for (Exception? e = ex; e is not null; e = e.InnerException)
    {
        if (e is AddressInUseException || (e is SocketException s && s.SocketErrorCode == SocketError.AddressAlreadyInUse))
        {
            return true;
        }
    }
    return false;
}
