using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RedisClone.Node.Server;

namespace RedisClone.Node.Hosting;

/// <summary>Builds the node's ASP.NET Core host: settings, services and the Kestrel RESP endpoint(s).</summary>
public static class NodeHost
{
    public static WebApplication Build(string[] args)
    {
        Dictionary<string, string?> flags = CommandLine.Parse(args, out List<string> hostArgs);
        WebApplicationBuilder builder = WebApplication.CreateBuilder(hostArgs.ToArray());
        builder.Configuration.AddInMemoryCollection(flags);
        NodeSettings settings = LoadSettings(builder.Configuration);

        var server = new NodeServer(settings);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(server);
        builder.Services.AddHostedService<BackgroundMaintenance>();

        // The parser enforces client-query-buffer-limit itself; Kestrel's 1 MB default would stall a larger bulk.
        builder.Services.Configure<SocketTransportOptions>(o => o.MaxReadBufferSize = null);
        var respEndpoints = new List<ListenOptions>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (string address in settings.Bind)
            {
                kestrel.Listen(ParseAddress(address), settings.Port, listen =>
                {
                    listen.UseConnectionHandler<RespConnectionHandler>();
                    respEndpoints.Add(listen);
                });
            }
        });

        WebApplication app = builder.Build();
        app.Lifetime.ApplicationStarted.Register(() =>
            server.BoundPort = respEndpoints.Select(e => (e.EndPoint as IPEndPoint)?.Port ?? 0).FirstOrDefault(settings.Port));
        return app;
    }

    private static IPAddress ParseAddress(string address) => address switch
    {
        "*" => IPAddress.Any,
        "-::*" or "::*" => IPAddress.IPv6Any,
        _ => IPAddress.Parse(address.TrimStart('-')),
    };

    /// <summary>Reads the Redis section of configuration; a bad value is a one-line error naming the setting.</summary>
    public static NodeSettings LoadSettings(IConfiguration configuration)
    {
        var settings = new NodeSettings();
        IConfigurationSection section = configuration.GetSection(SettingCatalog.Section);
        foreach (SettingDescriptor descriptor in SettingCatalog.All)
        {
            string? value = section[descriptor.ConfigKey];
            if (value is null)
            {
                continue;
            }
            string? error = descriptor.Set(settings, value);
            if (error is not null)
            {
                throw new CommandLine.UsageException(
                    $"invalid value '{value}' for {descriptor.Flag} ({SettingCatalog.Section}:{descriptor.ConfigKey}): {error}");
            }
        }
        return settings;
    }
}
