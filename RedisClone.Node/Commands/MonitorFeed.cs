using System.Text;
using RedisClone.Node.Clients;
using RedisClone.Node.Delivery;
using RedisClone.Node.PubSub;

namespace RedisClone.Node.Commands;

/// <summary>
/// The clients in MONITOR mode and what each executed command sends them (Redis's replicationFeedMonitors): one
/// line per command after it ran, with the database it left the client in, unless the command is an admin one.
/// Every member is used under the keyspace lock, so lines reach every monitor in execution order.
/// While no client monitors, a command pays one read of <see cref="Active"/>.
/// A monitor receives lines through the bounded queue subscribers use, held to the pub/sub class of
/// client-output-buffer-limit: one that stops reading is disconnected instead of growing the node's memory
/// (Redis holds monitors to the normal class, unlimited by default).
/// </summary>
internal sealed class MonitorFeed(PubSubBroker pubSub)
{
    private ClientSession[] _monitors = [];
    private volatile bool _active;

    public bool Active => _active;

    public int Count => _monitors.Length;

    public void Add(ClientSession client)
    {
        client.IsMonitor = true;
        client.Outbound ??= new OutboundQueue(client.Wake, pubSub.Delivery);
        _monitors = [.. _monitors, client];
        _active = true;
    }

    public void Remove(ClientSession client)
    {
        if (!client.IsMonitor)
        {
            return;
        }
        client.IsMonitor = false;
        _monitors = [.. _monitors.Where(m => m != client)];
        _active = _monitors.Length > 0;
    }

    /// <summary>Sends the line for the command that just ran in <paramref name="context"/>, unless Redis hides it.</summary>
    public void Feed(CommandContext context, CommandDefinition command)
    {
        if (command.Has(CommandFlags.Admin | CommandFlags.SkipMonitor))
        {
            return;
        }
        ClientSession client = context.Client;
        long unixMicros = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
        byte[] line = MonitorLine.Format(unixMicros, client.DbIndex, Encoding.ASCII.GetBytes(client.RemoteAddress), context.Args, context.RedactedArguments);
        foreach (ClientSession monitor in _monitors)
        {
            if (monitor.CloseAfterReply)
            {
                // Closing (QUIT, CLIENT KILL): Redis adds nothing more to its output.
                continue;
            }
            if (monitor == client)
            {
                // A monitor's own command: its line follows the command's reply, in the same stream.
                context.Reply.WriteRaw(line);
            }
            else if (!monitor.Outbound!.TryEnqueue(line, pubSub.Limit))
            {
                pubSub.DisconnectForOutputLimit(monitor);
            }
        }
    }
}
