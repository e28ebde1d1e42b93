using System.Globalization;

namespace RedisClone.Tests.Faults;

/// <summary>A node's INFO gossip, read as numbers: its totals and one entry per peer.</summary>
public sealed record GossipCounters(IReadOnlyDictionary<string, long> Totals, IReadOnlyDictionary<string, PeerCounters> Peers)
{
    public long Total(string name) => Totals.GetValueOrDefault(name);

    public PeerCounters? Peer(string name) => Peers.GetValueOrDefault(name);

    public static GossipCounters Parse(string info)
    {
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        var peers = new Dictionary<string, PeerCounters>(StringComparer.Ordinal);
        foreach (string line in info.Split("\r\n"))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            string key = line[..colon], value = line[(colon + 1)..];
            if (key.StartsWith("peer", StringComparison.Ordinal) && value.Contains("name=", StringComparison.Ordinal))
            {
                Dictionary<string, string> fields = value.Split(',').Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);
                peers[fields["name"]] = new PeerCounters(
                    fields.GetValueOrDefault("state") == "alive",
                    fields.GetValueOrDefault("link") == "up",
                    Number(fields.GetValueOrDefault("dropped")),
                    Number(fields.GetValueOrDefault("replay_gaps")));
            }
            else if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long number))
            {
                totals[key] = number;
            }
        }
        return new GossipCounters(totals, peers);
    }

    private static long Number(string? text) => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) ? n : 0;
}

/// <summary>One peer as a node reports it: <see cref="Dropped"/> is sender side (numbered for the peer, never sent),
/// <see cref="ReplayGaps"/> receiver side (from the peer, never arrived).</summary>
public sealed record PeerCounters(bool Alive, bool LinkUp, long Dropped, long ReplayGaps);
