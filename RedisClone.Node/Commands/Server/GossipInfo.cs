using System.Globalization;
using System.Text;
using RedisClone.Node.Cluster;

namespace RedisClone.Node.Commands.Server;

/// <summary>INFO's Gossip section: this node's identity and, per peer, state, last-seen age and traffic.</summary>
internal static class GossipInfo
{
    public static InfoSection Section { get; } = new("gossip", "Gossip", true, true, (text, c) => Write(text, c.Server.Cluster));

    private static void Write(StringBuilder text, ClusterNode? cluster)
    {
        if (cluster is null)
        {
            Line(text, "gossip_enabled", "0");
            return;
        }
        IReadOnlyList<Member> members = cluster.MembersSnapshot();
        Line(text, "gossip_enabled", "1");
        Line(text, "node_name", cluster.Name);
        Line(text, "node_incarnation", cluster.Incarnation.ToString(CultureInfo.InvariantCulture));
        Line(text, "gossip_address", cluster.Address);
        Line(text, "gossip_peers", members.Count.ToString(CultureInfo.InvariantCulture));
        Line(text, "gossip_peers_alive", members.Count(m => m.State == MemberState.Alive).ToString(CultureInfo.InvariantCulture));
        Line(text, "gossip_replay_gaps", cluster.ReplayGaps.ToString(CultureInfo.InvariantCulture));
        Line(text, "gossip_dropped", cluster.Dropped.ToString(CultureInfo.InvariantCulture));
        Line(text, "gossip_faults", cluster.Faults.ToString(CultureInfo.InvariantCulture));
        Line(text, "gossip_stalls", cluster.Stalls.ToString(CultureInfo.InvariantCulture));
        Line(text, "gossip_rejected_calls", cluster.RejectedCalls.ToString(CultureInfo.InvariantCulture));
        long now = Environment.TickCount64;
        for (int i = 0; i < members.Count; i++)
        {
            Member m = members[i];
            PeerLink? link = m.Link;
            Line(text, "peer" + i.ToString(CultureInfo.InvariantCulture), string.Create(CultureInfo.InvariantCulture,
                $"name={m.Name},address={m.Address},state={m.State.ToString().ToLowerInvariant()},link={(link?.Connected == true ? "up" : "down")}," +
                $"last_seen_ms={now - m.LastSeenTicks},messages_in={m.MessagesIn},bytes_in={m.BytesIn},messages_out={m.MessagesOut},bytes_out={m.BytesOut}," +
                $"queued={link?.Log.Count ?? 0},evicted={link?.Log.Evicted ?? 0},dropped={link?.Log.Dropped ?? 0},replay_gaps={m.ReplayGaps},interest={m.Interest.Count}"));
        }
    }

    private static void Line(StringBuilder text, string name, string value) => text.Append(name).Append(':').Append(value).Append("\r\n");
}
