using System.Diagnostics;
using System.Globalization;
using RedisClone.Tests.Infrastructure;
using Xunit.Abstractions;

namespace RedisClone.Tests.Compatibility;

/// <summary>
/// Seeded random sequences of collection commands (<see cref="RandomCommandGenerator"/>) run on redis-server and on the
/// node, under RESP2 and RESP3, replies compared as in the hand-written scripts. CI runs <see cref="CiSeeds"/>; a
/// developer picks others with REDISCLONE_DIFF_SEED (a number, a comma list, or "random"), REDISCLONE_DIFF_RUNS
/// (that many seeds counting up from it) and REDISCLONE_DIFF_COMMANDS (commands per seed); REDISCLONE_DIFF_KEEP_GOING=1
/// goes on to the next seed after a difference, for a long run. A difference fails with
/// the seed and the script up to its first differing step, shrunk while the difference stays, with both replies.
/// </summary>
public sealed class RandomizedDifferentialTests(DifferentialFixture fixture, ITestOutputHelper output) : DifferentialTestBase(fixture)
{
    private static readonly int[] CiSeeds = [1, 2, 3, 4, 5, 6, 7, 8];
    private const int CiCommands = 600;
    private static readonly TimeSpan ShrinkBudget = TimeSpan.FromSeconds(60);

    [RequiresToolTheory("redis-server")]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_command_sequences_reply_as_redis(int protocol)
    {
        Assert.True(Fixture.Redis.Available, "redis-server is not running:\n" + Fixture.Redis.Log);
        int commands = EnvironmentNumber("REDISCLONE_DIFF_COMMANDS") ?? CiCommands;
        bool keepGoing = Environment.GetEnvironmentVariable("REDISCLONE_DIFF_KEEP_GOING") == "1";
        var failures = new List<string>();
        try
        {
            foreach (int seed in Seeds())
            {
                var script = new List<string>();
                if (protocol == 3)
                {
                    script.Add("HELLO 3");
                }
                script.AddRange(new RandomCommandGenerator(seed).Script(commands));
                (List<string> expected, List<string> actual) = RunBoth(script);
                int first = FirstDifference(expected, actual);
                output.WriteLine($"seed {seed}, RESP{protocol}: {commands} commands, " + (first < 0 ? "same replies" : $"first difference at step {first}"));
                if (first >= 0)
                {
                    List<string> shrunk = Shrink(script[..(first + 1)]);
                    failures.Add($"seed {seed} (RESP{protocol}, {commands} commands): the node's reply differs from redis-server's at step {first}. " +
                                $"Shrunk to {shrunk.Count} steps (!! marks each difference):\n{Report(shrunk)}");
                    if (!keepGoing)
                    {
                        break;
                    }
                }
            }
            Assert.True(failures.Count == 0, string.Join('\n', failures));
        }
        finally
        {
            RestoreDefaults(Fixture.Redis.Port);
            RestoreDefaults(Fixture.Node.Port);
        }
    }

    private static IEnumerable<int> Seeds()
    {
        string? text = Environment.GetEnvironmentVariable("REDISCLONE_DIFF_SEED");
        if (string.IsNullOrEmpty(text))
        {
            return CiSeeds;
        }
        int runs = EnvironmentNumber("REDISCLONE_DIFF_RUNS") ?? 1;
        int[] starts = text == "random"
            ? [Random.Shared.Next()]
            : text.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        return starts.SelectMany(start => Enumerable.Range(0, runs).Select(i => unchecked(start + i)));
    }

    private static int? EnvironmentNumber(string name)
    {
        string? text = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(text) ? null : int.Parse(text, CultureInfo.InvariantCulture);
    }

    /// <summary>Both servers from the default limits and an empty keyspace, so that any prefix of a script replays alike.</summary>
    private (List<string> Expected, List<string> Actual) RunBoth(List<string> script)
    {
        IReadOnlyList<ScriptStep> steps = DifferentialScript.Parse(string.Join('\n', script));
        RestoreDefaults(Fixture.Redis.Port);
        List<string> expected = DifferentialScript.Run(Fixture.Redis.Port, steps, Fixture.Password);
        RestoreDefaults(Fixture.Node.Port);
        List<string> actual = DifferentialScript.Run(Fixture.Node.Port, steps, Fixture.Password);
        return (expected, actual);
    }

    private static int FirstDifference(List<string> expected, List<string> actual)
    {
        for (int i = 0; i < expected.Count; i++)
        {
            if (expected[i] != actual[i])
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>
    /// Drops chunks of steps (halves, then quarters, ... then single steps) while some difference stays, cutting the
    /// script after its first differing step each time; stops early after <see cref="ShrinkBudget"/>.
    /// </summary>
    private List<string> Shrink(List<string> script)
    {
        var clock = Stopwatch.StartNew();
        for (int chunk = Math.Max(script.Count / 2, 1); chunk >= 1 && clock.Elapsed < ShrinkBudget; chunk /= 2)
        {
            // From the end backwards, never the last (differing) step; an index past the end after a cut is clamped.
            for (int start = script.Count - 1 - chunk; start >= 0 && clock.Elapsed < ShrinkBudget; start -= chunk)
            {
                int length = Math.Min(chunk, script.Count - 1 - start);
                if (length <= 0)
                {
                    continue;
                }
                List<string> candidate = [.. script[..start], .. script[(start + length)..]];
                (List<string> expected, List<string> actual) = RunBoth(candidate);
                int first = FirstDifference(expected, actual);
                if (first >= 0)
                {
                    script = candidate[..(first + 1)];
                    start = Math.Min(start, script.Count - 1);
                }
            }
        }
        return script;
    }

    private string Report(List<string> script)
    {
        (List<string> expected, List<string> actual) = RunBoth(script);
        return DifferentialScript.Report(script, expected, actual, everyReply: false);
    }

    private void RestoreDefaults(int port)
    {
        using RawClient client = RawClient.Connect(port);
        if (Fixture.Password is not null)
        {
            client.Call("AUTH", Fixture.Password);
        }
        foreach (string[] setting in RandomCommandGenerator.Defaults)
        {
            string reply = client.Call(setting);
            if (reply != "+OK\r\n")
            {
                throw new InvalidOperationException($"{string.Join(' ', setting)} on port {port} answered {reply}");
            }
        }
    }
}
