// A SignalR chat whose instances share messages through a RedisClone cluster (SignalR's StackExchange.Redis
// backplane). The AppHost runs two instances, each connected to a different node: a message sent to one instance
// reaches the browsers of the other through the cluster's gossip.
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

string connectionString = builder.Configuration.GetConnectionString("pubsub")
    ?? throw new InvalidOperationException("ConnectionStrings:pubsub is not set (the AppHost sets it)");
builder.Services.AddSignalR().AddStackExchangeRedis(connectionString, options =>
    options.Configuration.ChannelPrefix = RedisChannel.Literal("chat"));

WebApplication app = builder.Build();
app.MapDefaultEndpoints();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapHub<ChatHub>("/chat");
app.MapGet("/instance", () => Instance.Name);
app.Run();

/// <summary>The chat: whatever one client sends, every client of every instance receives, with the sender's instance.</summary>
internal sealed class ChatHub : Hub
{
    public Task Send(string user, string text) => Clients.All.SendAsync("message", user, text, Instance.Name);
}

internal static class Instance
{
    /// <summary>The instance's name as the AppHost gave it (OTEL_SERVICE_NAME), else the machine's.</summary>
    public static string Name { get; } = Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") ?? Environment.MachineName;
}
