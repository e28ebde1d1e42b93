using System.Globalization;
using Xunit.Abstractions;

namespace RedisClone.Tests.Faults;

/// <summary>Runs only when FAULTS_DURATION_S is set (bench/faults.sh sets it): the suite's CI run stays short.</summary>
public sealed class FaultsDurationFactAttribute : FactAttribute
{
    public FaultsDurationFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("FAULTS_DURATION_S")))
        {
            Skip = "a long randomized fault run: set FAULTS_DURATION_S (seconds) and optionally FAULTS_SEED, or run bench/faults.sh";
        }
    }
}

/// <summary>
/// Random faults (kind, node, hold of 1, 4, 12 or 30 s) against a 3-node cluster on the default timings (heartbeat
/// 0.5 s, suspect 3 s, replay window 5 s, dead 10 s), so each hold falls below or above each of them, for as long as
/// FAULTS_DURATION_S says, from the seed FAULTS_SEED (printed first, so a failing run can be replayed).
/// </summary>
[Collection(FaultCollection.Name)]
[Trait("Category", "Faults")]
public class RandomizedFaultTests(ITestOutputHelper output)
{
    private static readonly int[] HoldSeconds = [1, 4, 12, 30];

    [FaultsDurationFact(Timeout = 24 * 3600 * 1000)]
    public async Task Random_faults_for_the_given_time()
    {
        int seconds = int.Parse(Environment.GetEnvironmentVariable("FAULTS_DURATION_S")!, CultureInfo.InvariantCulture);
        string? seedText = Environment.GetEnvironmentVariable("FAULTS_SEED");
        int seed = string.IsNullOrEmpty(seedText) ? Random.Shared.Next() : int.Parse(seedText, CultureInfo.InvariantCulture);
        output.WriteLine($"FAULTS seed {seed}, duration {seconds} s");
        var random = new Random(seed);

        await using FaultCluster cluster = await FaultCluster.StartAsync(3);
        await using var run = new FaultRun(cluster, perSecond: 200, FaultInjectionTests.SmallMessageRssBound);
        await run.StartAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            var kind = (FaultKind)random.Next(0, 4);
            int node = random.Next(1, cluster.Size + 1);
            TimeSpan hold = TimeSpan.FromSeconds(HoldSeconds[random.Next(HoldSeconds.Length)]);
            StepReport step = await run.StepAsync(kind, node, hold);
            output.WriteLine(step.ToString());
        }
        List<string> final = await run.FinishAsync();
        foreach (IGrouping<FaultKind, StepReport> kind in run.Reports.GroupBy(r => r.Kind).OrderBy(g => g.Key))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"FAULTS SUMMARY {kind.Key}: faults {kind.Count()}, violations {kind.Sum(r => r.Violations.Count)}, messages checked {kind.Sum(r => r.Checked)}, " +
                $"lost and counted {kind.Sum(r => r.LostCounted)}, lost with killed node {kind.Sum(r => r.LostWithKilledNode)}, " +
                $"published before linked {kind.Sum(r => r.PublishedBeforeLinked)}, missed while reconnecting {kind.Sum(r => r.MissedWhileReconnecting)}, " +
                $"max RSS {kind.Max(r => r.MaxRss) / (1024 * 1024)} MB"));
        }
        output.WriteLine(run.Summary());
        List<string> violations = [.. run.Reports.SelectMany(r => r.Violations), .. final];
        output.WriteLine($"FAULTS RESULT seed {seed}: {run.Reports.Count} faults, {violations.Count} violations");
        Assert.True(violations.Count == 0, $"seed {seed}:\n{string.Join("\n", violations)}\n\n{cluster.Logs}");
    }
}
