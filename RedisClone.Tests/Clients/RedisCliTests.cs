using System.Globalization;
using System.Text;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Clients;

/// <summary>
/// redis-cli, run as a process against the node: what it prints for a few commands, -r repeats, --scan and --pipe
/// mass insertion. Skipped, with the reason, when redis-cli is not installed.
/// </summary>
public sealed class RedisCliTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    /// <summary>Runs redis-cli against the node (stdout is not a terminal, so replies print raw, as in scripts).</summary>
    private Task<RedisCli.Result> RunAsync(string? input, params string[] args) => RedisCli.RunAsync(node.Port, input, args);

    [RequiresToolFact("redis-cli")]
    public async Task Commands_print_their_replies()
    {
        Assert.Equal(new RedisCli.Result(0, "OK\n", ""), await RunAsync(null, "-n", "4", "SET", "greeting", "hello world"));
        Assert.Equal(new RedisCli.Result(0, "hello world\n", ""), await RunAsync(null, "-n", "4", "GET", "greeting"));
        Assert.Equal(new RedisCli.Result(0, "1\n", ""), await RunAsync(null, "-n", "4", "INCR", "counter"));
        Assert.Equal(new RedisCli.Result(0, "(integer) 2\n", ""), await RunAsync(null, "-n", "4", "--no-raw", "INCR", "counter"));
        Assert.Equal(new RedisCli.Result(0, "hello world\n\n2\n", ""), await RunAsync(null, "-n", "4", "MGET", "greeting", "missing", "counter"));
        Assert.Equal(new RedisCli.Result(0, "ERR value is not an integer or out of range\n\n", ""), await RunAsync(null, "-n", "4", "INCR", "greeting"));
        Assert.Equal(new RedisCli.Result(0, "2\n", ""), await RunAsync(null, "-n", "4", "DBSIZE"));
    }

    [RequiresToolFact("redis-cli")]
    public async Task Repeat_runs_a_command_several_times() =>
        Assert.Equal(new RedisCli.Result(0, "PONG\nPONG\nPONG\n", ""), await RunAsync(null, "-r", "3", "PING"));

    [RequiresToolFact("redis-cli")]
    public async Task Scan_lists_exactly_the_keys_matching_the_pattern()
    {
        var expected = new List<string>();
        var setup = new StringBuilder();
        for (int i = 0; i < 120; i++)
        {
            setup.Append(CultureInfo.InvariantCulture, $"SET user:{i} x\n");
            setup.Append(CultureInfo.InvariantCulture, $"SET order:{i} x\n");
            expected.Add($"user:{i}");
        }
        RedisCli.Result loaded = await RunAsync(setup.ToString(), "-n", "1");
        Assert.Equal(0, loaded.ExitCode);

        RedisCli.Result scan = await RunAsync(null, "-n", "1", "--scan", "--pattern", "user:*");
        Assert.Equal(0, scan.ExitCode);
        string[] keys = scan.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
    }

    [RequiresToolFact("redis-cli")]
    public async Task Pipe_mass_insertion_stores_every_key()
    {
        var protocol = new StringBuilder();
        for (int i = 0; i < 10_000; i++)
        {
            string key = "key:" + i.ToString(CultureInfo.InvariantCulture);
            string value = "value:" + i.ToString(CultureInfo.InvariantCulture);
            protocol.Append(CultureInfo.InvariantCulture, $"*3\r\n$3\r\nSET\r\n${key.Length}\r\n{key}\r\n${value.Length}\r\n{value}\r\n");
        }

        RedisCli.Result piped = await RunAsync(protocol.ToString(), "-n", "2", "--pipe");

        Assert.True(piped.ExitCode == 0, piped.Output + piped.Errors);
        Assert.Equal("All data transferred. Waiting for the last reply...\nLast reply received from server.\nerrors: 0, replies: 10000\n", piped.Output);
        Assert.Equal(new RedisCli.Result(0, "10000\n", ""), await RunAsync(null, "-n", "2", "DBSIZE"));
        Assert.Equal(new RedisCli.Result(0, "value:9999\n", ""), await RunAsync(null, "-n", "2", "GET", "key:9999"));
    }

    [RequiresToolFact("redis-cli")]
    public async Task Pipe_counts_error_replies_and_fails()
    {
        RedisCli.Result piped = await RunAsync("SET n 1\r\nINCR n\r\nINCRBY n x\r\nNOSUCH\r\n", "-n", "3", "--pipe");

        Assert.Equal(1, piped.ExitCode);
        Assert.EndsWith("errors: 2, replies: 4\n", piped.Output, StringComparison.Ordinal);
        Assert.Equal("ERR value is not an integer or out of range\nERR unknown command 'NOSUCH', with args beginning with: \n", piped.Errors);
        Assert.Equal(new RedisCli.Result(0, "2\n", ""), await RunAsync(null, "-n", "3", "GET", "n"));
    }
}
