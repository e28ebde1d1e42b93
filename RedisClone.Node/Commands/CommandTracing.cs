using System.Diagnostics;
using System.Globalization;
using RedisClone.Node.Clients;
using RedisClone.Node.Observability;

namespace RedisClone.Node.Commands;

/// <summary>One Server span per executed command, named after it, with OpenTelemetry's database conventions for Redis.</summary>
internal static class CommandTracing
{
    public static Activity? StartCommand(CommandContext context, CommandDefinition command)
    {
        Activity? activity = NodeTelemetry.Source.StartActivity(command.OperationName, ActivityKind.Server);
        if (activity is null || !activity.IsAllDataRequested)
        {
            return activity;
        }
        // AddTag, not SetTag: the span is new, so there is no earlier value to look for and replace.
        ClientSession client = context.Client;
        activity.AddTag("db.system.name", "redis");
        activity.AddTag("db.operation.name", command.OperationName);
        activity.AddTag("db.namespace", client.DbIndex.ToString(CultureInfo.InvariantCulture)); // cached by the runtime below 300
        activity.AddTag("server.address", client.LocalIp);
        activity.AddTag("server.port", client.BoxedLocalPort);
        activity.AddTag("network.peer.address", client.RemoteIp);
        activity.AddTag("network.peer.port", client.BoxedRemotePort);
        if (context.Server.Cluster is { } cluster)
        {
            activity.AddTag("redisclone.node", cluster.Name);
        }
        if (context.Server.Settings.TraceQueryText)
        {
            activity.AddTag("db.query.text", QueryText.Format(context.Args, command));
        }
        return activity;
    }

    /// <summary>Marks the span failed when the command answered with an error reply (the error's prefix is its status code).</summary>
    public static void EndCommand(Activity activity, CommandContext context, bool failed)
    {
        if (failed && activity.IsAllDataRequested)
        {
            string errorType = context.Reply.LastErrorPrefix ?? "ERR";
            activity.AddTag("db.response.status_code", errorType);
            activity.AddTag("error.type", errorType);
            activity.SetStatus(ActivityStatusCode.Error, errorType);
        }
        activity.Dispose();
    }
}
