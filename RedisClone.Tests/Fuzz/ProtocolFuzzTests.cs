using System.Globalization;
using RedisClone.Tests.Infrastructure;
using Xunit.Abstractions;

namespace RedisClone.Tests.Fuzz;

/// <summary>
/// The protocol fuzzer against a node, briefly in every test run (5 s). bench/fuzz.sh runs the same test for as long
/// as it is told, through these variables: REDISCLONE_FUZZ_SECONDS (how long), REDISCLONE_FUZZ_SEED (to replay a
/// run), REDISCLONE_FUZZ_TARGET (host:port of a server already running, redis-server say, instead of a fresh node)
/// and REDISCLONE_FUZZ_REPORT (a file the report is written to).
/// </summary>
public sealed class ProtocolFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly NodeFixture _node = new();
    private string? _target;

    public async Task InitializeAsync()
    {
        _target = Environment.GetEnvironmentVariable("REDISCLONE_FUZZ_TARGET");
        if (string.IsNullOrEmpty(_target))
        {
            await _node.InitializeAsync();
        }
    }

    public Task DisposeAsync() => string.IsNullOrEmpty(_target) ? _node.DisposeAsync() : Task.CompletedTask;

    [Fact]
    public async Task Random_mutated_and_valid_frames_to_every_command_leave_the_server_serving_a_canary()
    {
        double seconds = double.TryParse(Environment.GetEnvironmentVariable("REDISCLONE_FUZZ_SECONDS"), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) ? s : 5;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("REDISCLONE_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int given)
            ? given
            : Random.Shared.Next();
        (string host, int port) = string.IsNullOrEmpty(_target)
            ? ("127.0.0.1", _node.Port)
            : (_target[.._target.LastIndexOf(':')], int.Parse(_target[(_target.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture));

        var fuzzer = new ProtocolFuzzer(host, port, seed, Console.Error);
        FuzzReport report = await fuzzer.RunAsync(TimeSpan.FromSeconds(seconds));

        string text = $"target {host}:{port}\n{report.Text()}";
        output.WriteLine(text);
        if (Environment.GetEnvironmentVariable("REDISCLONE_FUZZ_REPORT") is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, text);
        }
        Assert.True(report.Frames > 0, text);
        Assert.True(report.Findings.Count == 0, "the fuzzer found something (replay with REDISCLONE_FUZZ_SEED):\n" + text);
    }
}
