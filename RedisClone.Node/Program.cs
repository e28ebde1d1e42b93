using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using RedisClone.Node.Hosting;
using RedisClone.Node.Server;

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
    Console.Error.WriteLine($"error: port {server.Settings.Port} is already in use on {string.Join(' ', server.Settings.Bind)} (--port / --bind)");
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
