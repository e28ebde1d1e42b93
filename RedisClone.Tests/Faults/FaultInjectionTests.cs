using Xunit.Abstractions;

namespace RedisClone.Tests.Faults;

/// <summary>The fault tests run alone: they hold timing promises (PING within 1 s) that other tests' load would blur.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultCollection
{
    public const string Name = "Fault injection (node processes)";
}

/// <summary>
/// Each fault held below and above every timeout that concerns it (CI timings: heartbeat 100 ms, suspect 1 s, replay
/// window 2 s, dead 3 s; holds 0.05, 0.5, 1.5, 2.5 and 4.5 s), on a 3-node cluster under a verified publishing workload.
/// </summary>
[Collection(FaultCollection.Name)]
[Trait("Category", "Faults")]
public class FaultInjectionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan[] Holds = [TimeSpan.FromSeconds(0.05), TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(4.5)];

    /// <summary>No node holds more than this with small messages (idle RSS is about 100 MB).</summary>
    internal const long SmallMessageRssBound = 512L * 1024 * 1024;

    /// <summary>The replay window of <see cref="FaultCluster.FastTimings"/>.</summary>
    private static readonly TimeSpan ReplayWindow = TimeSpan.FromSeconds(2);

    [Theory(Timeout = 300_000)]
    [InlineData(FaultKind.Kill)]
    [InlineData(FaultKind.Terminate)]
    [InlineData(FaultKind.Pause)]
    [InlineData(FaultKind.Cut)]
    public async Task A_fault_below_and_above_every_timeout_stops_no_other_node_and_loses_nothing_uncounted(FaultKind kind)
    {
        await using FaultCluster cluster = await FaultCluster.StartAsync(3, FaultCluster.FastTimings);
        await using var run = new FaultRun(cluster, perSecond: 200, SmallMessageRssBound);
        await run.StartAsync();
        int[] targets = [3, 2, 3, 1, 2];
        for (int i = 0; i < Holds.Length; i++)
        {
            StepReport step = await run.StepAsync(kind, targets[i], Holds[i]);
            output.WriteLine(step.ToString());
            if (kind is FaultKind.Pause or FaultKind.Cut && Holds[i] <= ReplayWindow / 2)
            {
                // README: a link blip shorter than the replay window loses nothing.
                Assert.Equal(0, step.LostCounted);
            }
        }
        await AssertHeld(run, cluster);
    }

    [Fact(Timeout = 600_000)]
    public async Task Twenty_kill_and_restart_cycles_in_a_row_on_five_nodes()
    {
        await using FaultCluster cluster = await FaultCluster.StartAsync(5, FaultCluster.FastTimings);
        await using var run = new FaultRun(cluster, perSecond: 100, SmallMessageRssBound);
        await run.StartAsync();
        var random = new Random(17);
        for (int i = 0; i < 20; i++)
        {
            StepReport step = await run.StepAsync(FaultKind.Kill, random.Next(1, 6), TimeSpan.Zero);
            output.WriteLine(step.ToString());
        }
        await AssertHeld(run, cluster);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_rolling_restart_of_every_node_loses_nothing_between_nodes_that_are_up_and_linked()
    {
        await using FaultCluster cluster = await FaultCluster.StartAsync(3, FaultCluster.FastTimings);
        await using var run = new FaultRun(cluster, perSecond: 200, SmallMessageRssBound);
        await run.StartAsync();
        foreach (int node in cluster.Nodes)
        {
            StepReport step = await run.StepAsync(FaultKind.Terminate, node, TimeSpan.Zero);
            output.WriteLine(step.ToString());
            // Between nodes that stayed up, and from the stopping node before its SIGTERM, nothing went missing.
            Assert.Equal(0, step.LostCounted);
        }
        await AssertHeld(run, cluster);
    }

    internal async Task AssertHeld(FaultRun run, FaultCluster cluster)
    {
        List<string> final = await run.FinishAsync();
        string summary = run.Summary();
        output.WriteLine(summary);
        if (Environment.GetEnvironmentVariable("FAULTS_LOGS") == "1")
        {
            output.WriteLine(cluster.Logs);
        }
        List<string> violations = [.. run.Reports.SelectMany(r => r.Violations), .. final];
        Assert.True(violations.Count == 0, $"{string.Join("\n", violations)}\n\n{summary}\n\n{cluster.Logs}");
        Assert.All(run.Subscribers, s => Assert.True(s.Messages > 0));
    }
}
