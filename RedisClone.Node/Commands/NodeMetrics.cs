using System.Diagnostics;
using System.Diagnostics.Metrics;
using RedisClone.Node.Cluster;
using RedisClone.Node.Observability;

namespace RedisClone.Node.Commands;

/// <summary>
/// The node's metrics, on a Meter named like its ActivitySource ("RedisClone.Node"). Per-command instruments record
/// only while something listens; everything else is observed from existing counters when a collector asks. The meter
/// comes from the host's <see cref="IMeterFactory"/>, which owns it and disposes it with the host.
/// </summary>
internal sealed class NodeMetrics
{
    public const string MeterName = NodeTelemetry.SourceName;

    private readonly Meter _meter;
    private readonly Counter<long> _commands;
    private readonly Histogram<double> _duration;

    /// <summary>This node's meter (several nodes in one process each have their own).</summary>
    public Meter Meter => _meter;

    public NodeMetrics(NodeServer server, IMeterFactory meters)
    {
        _meter = meters.Create(new MeterOptions(MeterName) { Version = typeof(NodeMetrics).Assembly.GetName().Version?.ToString(3) });
        _commands = _meter.CreateCounter<long>("redisclone.commands", "{command}", "Commands executed, by name and outcome");
        _duration = _meter.CreateHistogram<double>("db.client.operation.duration", "s", "Time to execute a command on the node");
        _meter.CreateObservableGauge("redisclone.clients.connected", () => server.Clients.Count, "{client}", "Connected clients");
        _meter.CreateObservableGauge("redisclone.pubsub.channels", () => server.PubSub.ChannelCount, "{channel}", "Channels with a subscriber on this node");
        _meter.CreateObservableGauge("redisclone.pubsub.patterns", () => server.PubSub.PatternCount, "{pattern}", "Distinct patterns subscribed on this node");
        _meter.CreateObservableGauge("redisclone.pubsub.subscribers", () => server.Clients.All.Count(c => c.SubscriptionCount > 0), "{client}", "Clients with at least one subscription");
        _meter.CreateObservableCounter("redisclone.pubsub.messages.published", () => server.PubSub.MessagesPublished, "{message}", "Messages published (locally and by peers)");
        _meter.CreateObservableCounter("redisclone.pubsub.messages.delivered", () => server.PubSub.MessagesDelivered, "{message}", "Messages handed to subscribers");
        _meter.CreateObservableCounter("redisclone.pubsub.messages.dropped", () => server.PubSub.MessagesDropped, "{message}", "Messages lost with a subscriber disconnected for its output buffer");
        _meter.CreateObservableCounter("redisclone.pubsub.slow_subscriber_disconnections", () => server.PubSub.OutputLimitDisconnections, "{client}", "Subscribers disconnected by client-output-buffer-limit");
        _meter.CreateObservableGauge("redisclone.keys", () => Keys(server), "{key}", "Keys per database");
        _meter.CreateObservableCounter("redisclone.keys.expired", () => server.Keyspace.Stats.ExpiredKeys, "{key}", "Keys removed because their time to live ran out");
        _meter.CreateObservableCounter("redisclone.gossip.messages", () => Gossip(server, m => (m.MessagesIn, m.MessagesOut)), "{message}", "Messages exchanged with each peer");
        _meter.CreateObservableCounter("redisclone.gossip.bytes", () => Gossip(server, m => (m.BytesIn, m.BytesOut)), "By", "Message bytes exchanged with each peer");
        _meter.CreateObservableGauge("redisclone.gossip.peer.state", () => PeerStates(server), "{peer}", "Peers by state (1 for the peer's current state)");
        _meter.CreateObservableCounter("redisclone.gossip.replay_gaps", () => server.Cluster?.ReplayGaps ?? 0, "{message}", "Messages from peers that never arrived (holes in their sequence numbers)");
        _meter.CreateObservableCounter("redisclone.gossip.dropped", () => server.Cluster?.Dropped ?? 0, "{message}", "Messages numbered for peers but never sent (window overflow, peer dead, peer restarted)");
        _meter.CreateObservableCounter("redisclone.gossip.faults", () => server.Cluster?.Faults ?? 0, "{fault}", "Unexpected exceptions caught in gossip code (the node carried on)");
        _meter.CreateObservableCounter("redisclone.gossip.stalls", () => server.Cluster?.Stalls ?? 0, "{link}", "Links reopened because they stopped moving with messages queued");
    }

    /// <summary>Records one executed command (a no-op unless a collector listens).</summary>
    public void Command(string operation, bool failed, long startedTimestamp, long endedTimestamp)
    {
        if (!_commands.Enabled && !_duration.Enabled)
        {
            return;
        }
        var tags = new TagList { { "db.operation.name", operation }, { "outcome", failed ? "error" : "ok" } };
        _commands.Add(1, tags);
        _duration.Record(Stopwatch.GetElapsedTime(startedTimestamp, endedTimestamp).TotalSeconds, tags);
    }

    private static IEnumerable<Measurement<long>> Keys(NodeServer server)
    {
        for (int i = 0; i < server.Keyspace.Count; i++)
        {
            // Read without the keyspace lock: a count a moment old is fine for a gauge.
            yield return new Measurement<long>(server.Keyspace[i].Count, new KeyValuePair<string, object?>("db.namespace", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    private static IEnumerable<Measurement<long>> Gossip(NodeServer server, Func<Member, (long In, long Out)> read)
    {
        foreach (Member member in server.Cluster?.MembersSnapshot() ?? [])
        {
            (long inbound, long outbound) = read(member);
            yield return new Measurement<long>(inbound, new("peer", member.Name), new("direction", "in"));
            yield return new Measurement<long>(outbound, new("peer", member.Name), new("direction", "out"));
        }
    }

    private static IEnumerable<Measurement<int>> PeerStates(NodeServer server)
    {
        foreach (Member member in server.Cluster?.MembersSnapshot() ?? [])
        {
            yield return new Measurement<int>(1, new("peer", member.Name), new("state", member.State.ToString().ToLowerInvariant()));
        }
    }
}
