using Xunit.Abstractions;

namespace RedisClone.Tests.Architecture;

/// <summary>
/// The node's folders (its namespaces under RedisClone.Node, each subfolder a folder of its own) must not depend on each other in a circle: read from the
/// compiled assembly (signatures and method bodies, so an unused using does not count and a fully qualified name does),
/// a new cycle fails here with the type pairs that make it.
/// </summary>
public class FolderDependencyTests(ITestOutputHelper output)
{
    [Fact]
    public void No_two_folders_of_the_node_depend_on_each_other_directly_or_through_others()
    {
        FolderGraph graph = FolderGraph.Read(typeof(RedisClone.Node.Protocol.RespWriter).Assembly.Location);
        foreach ((string from, SortedSet<string> to) in graph.Edges.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{from} -> {string.Join(", ", to)}");
        }
        List<List<string>> cycles = graph.Cycles();
        var cyclic = new SortedSet<string>(StringComparer.Ordinal);
        foreach (List<string> cycle in cycles)
        {
            foreach ((string edge, SortedSet<string> pairs) in graph.Pairs.Where(p => cycle.Contains(p.Key.Split(" -> ")[0]) && cycle.Contains(p.Key.Split(" -> ")[1])))
            {
                cyclic.Add(edge);
                output.WriteLine($"{edge}: {string.Join("; ", pairs)}");
            }
        }
        Assert.True(cyclic.Count == 0, "dependencies closing a cycle between folders:\n" +
            string.Join("\n", cyclic.Select(e => $"  {e} ({string.Join("; ", graph.Pairs[e].Take(5))})")));
    }

    [Fact]
    public void A_subfolder_is_a_folder_of_its_own()
    {
        // Cluster uses the gossip messages generated into RedisClone.Node.Cluster.Protocol: two folders, one edge.
        FolderGraph graph = FolderGraph.Read(typeof(RedisClone.Node.Protocol.RespWriter).Assembly.Location);
        Assert.Contains("Cluster.Protocol", graph.Edges["Cluster"]);
    }

    [Fact]
    public void The_check_finds_a_cycle_when_there_is_one()
    {
        var graph = new FolderGraph();
        graph.Add("A", "B", "A.X -> B.Y");
        graph.Add("B", "C", "B.Y -> C.Z");
        graph.Add("C", "A", "C.Z -> A.X");
        graph.Add("C", "D", "C.Z -> D.W");
        List<List<string>> cycles = graph.Cycles();
        Assert.Single(cycles);
        Assert.Equal(["A", "B", "C"], cycles[0].Order(StringComparer.Ordinal));
    }
}
