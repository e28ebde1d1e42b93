using System.Net;
using RedisClone.Node.Configuration;
using RedisClone.Node.Protocol;
using RedisClone.Node.Util;

namespace RedisClone.Node.Commands.Server;

/// <summary>
/// DEBUG, gated as Redis 7 gates it (enable-debug-command: no by default, yes, or local for loopback clients only).
/// Its one subcommand here is the cluster's fault switch, for fault-injection tests and demonstrations.
/// </summary>
internal static class DebugCommands
{
    private const string NotAllowed = "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.";

    public static void Register(CommandBindings t)
    {
        t.Add("debug", Debug);
    }

    private static void Debug(CommandContext c)
    {
        if (!Allowed(c.Server.Settings.EnableDebugCommand, c.Client.RemoteIp))
        {
            c.Reply.WriteError(NotAllowed);
            return;
        }
        if (c.ArgIs(1, "GOSSIP-CUT"u8) && c.Args.Count == 3)
        {
            GossipCut(c);
        }
        else if (c.ArgIs(1, "HELP"u8) && c.Args.Count == 2)
        {
            c.Reply.WriteArrayHeader(4);
            c.Reply.WriteSimpleString("DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
            c.Reply.WriteSimpleString("GOSSIP-CUT <milliseconds>");
            c.Reply.WriteSimpleString("    Drop every gossip link of this node and refuse new ones for that long (fault injection).");
            c.Reply.WriteSimpleString("HELP");
        }
        else
        {
            c.Reply.WriteError($"ERR unknown subcommand or wrong number of arguments for '{c.ArgString(1)}'. Try DEBUG HELP.");
        }
    }

    private static void GossipCut(CommandContext c)
    {
        if (!c.TryInteger(2, out long milliseconds))
        {
            return;
        }
        if (milliseconds is < 0 or > 3_600_000)
        {
            c.Reply.WriteError(RespLiterals.LatencyThresholdOutOfRange);
            return;
        }
        if (c.Server.Cluster is not { } cluster)
        {
            c.Reply.WriteError(RespLiterals.NotInCluster);
            return;
        }
        cluster.CutLinks(TimeSpan.FromMilliseconds(milliseconds));
        c.Reply.WriteOk();
    }

    private static bool Allowed(DebugCommandAccess access, string remoteIp) => access switch
    {
        DebugCommandAccess.Yes => true,
        // Redis's islocalClient, the same rule as protected mode: 127.0.0.1 or ::1 exactly (127.0.0.2 is refused).
        DebugCommandAccess.Local => IPAddress.TryParse(remoteIp, out IPAddress? address) && Loopback.IsLocal(address),
        _ => false,
    };
}
