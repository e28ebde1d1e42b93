using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using RedisClone.Node.Clients;
using RedisClone.Node.Cluster;
using RedisClone.Node.Commands;
using RedisClone.Node.Commands.Registration;
using RedisClone.Node.Configuration;
using RedisClone.Node.Connections;

namespace RedisClone.Node.Hosting;

/// <summary>Builds the node's ASP.NET Core host: settings, services and the Kestrel RESP endpoint(s).</summary>
internal static class NodeHost
{
    public static WebApplication Build(string[] args)
    {
        Dictionary<string, string?> flags = CommandLine.Parse(args, out List<string> hostArgs);
        // Settings are read once at start (CONFIG SET is the way to change them at run time), so appsettings.json is
        // not watched: the watch covers the whole working directory tree (2,576 inotify watches started in /tmp, and
        // every directory on the machine when started in /). First, so that the user's own argument still wins.
        hostArgs.Insert(0, "--hostBuilder:reloadConfigOnChange=false");
        WebApplicationBuilder builder = WebApplication.CreateBuilder(hostArgs.ToArray());
        builder.Configuration.AddInMemoryCollection(flags);
        NodeSettings settings = LoadSettings(builder.Configuration);
        // Kestrel announces endpoints as http:// URLs, which the RESP endpoint is not; the node prints its own line.
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        // Every gossip link is a long HTTP/2 request; the per-request lines would drown the node's own log.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        // A failed start (a port in use) is logged here with its stack trace and then told in one line by Program;
        // Critical still shows a background service that stops the host.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

        builder.AddServiceDefaults();
        // SIGTERM stops the node within 10 s whatever state its clients and links are in: the gossip drain (2 s) and
        // link shutdown (3 s) come first, then Kestrel ends what is still open.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(4));
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(sp => new NodeServer(settings, CommandRegistration.CreateTable(), CommandRegistration.InfoSections(), sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<IMeterFactory>()));
        builder.Services.AddHostedService<BackgroundMaintenance>();
        if (settings.ExitOnStdinClose)
        {
            builder.Services.AddHostedService<StdinWatch>();
        }

        var respEndpoints = new List<ListenOptions>();
        var gossipEndpoints = new List<ListenOptions>();
        var httpEndpoints = new List<ListenOptions>();
        if (settings.Clustered)
        {
            builder.Services.AddGrpc(grpc =>
            {
                grpc.MaxReceiveMessageSize = ClusterNode.MaxFrameBytes;
                grpc.MaxSendMessageSize = ClusterNode.MaxFrameBytes;
            });
            builder.Services.AddSingleton(sp =>
            {
                NodeServer server = sp.GetRequiredService<NodeServer>();
                return new ClusterNode(server.Settings, server.PubSub, sp.GetRequiredService<ILoggerFactory>());
            });
        }
        // 64 KB receive blocks: a big value arrives in 16x fewer receive calls (see ReceiveBlockPool).
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, ReceiveBlockPool.Factory>();
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = InlineIo.Enabled);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (string address in settings.Bind)
            {
                kestrel.Listen(ParseAddress(address), settings.Port, listen =>
                {
                    listen.UseConnectionHandler<RespConnectionHandler>();
                    respEndpoints.Add(listen);
                });
                if (settings.HttpPort is int httpPort)
                {
                    kestrel.Listen(ParseAddress(address), httpPort, listen => httpEndpoints.Add(listen));
                }
                if (settings.Clustered)
                {
                    kestrel.Listen(ParseAddress(address), settings.EffectiveClusterPort, listen =>
                    {
                        // gRPC needs HTTP/2; without TLS that means an HTTP/2-only endpoint (prior knowledge).
                        listen.Protocols = HttpProtocols.Http2;
                        if (settings.ClusterTlsCertificate is not null)
                        {
                            listen.UseHttps(settings.ClusterTlsCertificate, settings.ClusterTlsCertificatePassword);
                        }
                        gossipEndpoints.Add(listen);
                    });
                }
            }
        });

        WebApplication app = builder.Build();
        NodeServer server = app.Services.GetRequiredService<NodeServer>();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            ProtectedMode.WarnAtStart(settings, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ProtectedMode)));
            server.BoundPort = respEndpoints.Select(e => (e.EndPoint as IPEndPoint)?.Port ?? 0).FirstOrDefault(settings.Port);
            server.BoundHttpPort = httpEndpoints.Select(e => (e.EndPoint as IPEndPoint)?.Port ?? 0).FirstOrDefault();
        });
        if (settings.HttpPort is not null)
        {
            app.MapDefaultEndpoints();
        }
        if (settings.Clustered)
        {
            app.MapGrpcService<GossipService>();
            ClusterNode cluster = app.Services.GetRequiredService<ClusterNode>();
            server.ClusterFormed = cluster.Formed;
            app.Lifetime.ApplicationStarted.Register(() =>
            {
                server.Cluster = cluster;
                server.PubSub.InterestListener = cluster;
                cluster.Start(gossipEndpoints.Select(e => (e.EndPoint as IPEndPoint)?.Port ?? 0).FirstOrDefault(settings.EffectiveClusterPort));
            });
        }
        // SIGTERM, as Redis shuts down: no new connection, every client closed (so nothing more is accepted), then
        // what the node did accept reaches its connected peers (a rolling restart loses nothing), within a bound, so
        // a stuck link or a vanished peer cannot hold the node up.
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            server.ShuttingDown = true;
            foreach (ClientSession client in server.Clients.All)
            {
                client.Kill();
            }
            if (server.Cluster is { } running)
            {
                running.StopAsync(GossipDrainTime).GetAwaiter().GetResult();
            }
        });
        return app;
    }

    private static readonly TimeSpan GossipDrainTime = TimeSpan.FromSeconds(2);

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
        // An Aspire AppHost hands each node its peers' gossip endpoints as services:<peer>:gossip:0.
        settings.DiscoveredPeers = configuration.GetSection("services").GetChildren()
            .Select(service => service.GetSection("gossip:0").Value)
            .Where(url => !string.IsNullOrWhiteSpace(url))
            .Select(url => url!)
            .ToArray();
        return settings;
    }
}
