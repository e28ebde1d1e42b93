using System.Globalization;
using System.Text;

namespace RedisClone.AppHost.Orchestration;

/// <summary>Lays out the resource table as text lines, columns as wide as their widest cell.</summary>
internal static class ResourceTable
{
    private static readonly string[] Headers = ["NAME", "STATE", "PID", "RESP", "GOSSIP", "HEALTH", "RESTARTS"];

    public static IReadOnlyList<string> Lines(IReadOnlyList<ResourceSnapshot> rows)
    {
        var cells = new List<string[]> { Headers };
        cells.AddRange(rows.Select(r => new[]
        {
            r.Name,
            r.State,
            r.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-",
            r.Resp,
            r.Gossip,
            r.Health,
            r.Restarts.ToString(CultureInfo.InvariantCulture),
        }));
        int[] widths = Enumerable.Range(0, Headers.Length).Select(c => cells.Max(row => row[c].Length)).ToArray();
        var lines = new List<string>(cells.Count);
        var line = new StringBuilder();
        foreach (string[] row in cells)
        {
            line.Clear();
            for (int c = 0; c < row.Length; c++)
            {
                line.Append(c == row.Length - 1 ? row[c] : row[c].PadRight(widths[c] + 2));
            }
            lines.Add(line.ToString());
        }
        return lines;
    }
}
