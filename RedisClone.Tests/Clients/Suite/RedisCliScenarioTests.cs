using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Clients.Suite;

/// <summary>
/// redis-cli (Debian's redis-tools) as people use it, against the 3-node cluster: one-shot commands over RESP2 and
/// RESP3 (-3), --pipe, MULTI/EXEC from standard input, KEYS and --scan, SUBSCRIBE and PSUBSCRIBE on node 3 while
/// publishing on node 1, the interactive mode on a terminal (command hints from COMMAND DOCS, reconnecting after a
/// restart), --stat, -r and MONITOR.
/// </summary>
[Collection(ClientSuiteCollection.Name)]
[Trait("Category", ClientSuiteCollection.Category)]
public sealed partial class RedisCliScenarioTests(ProcessCluster cluster)
{
    [RequiresToolTheory("redis-cli", Timeout = 240_000)]
    [InlineData(3)]
    [InlineData(2)]
    public async Task Scenario_passes(int resp)
    {
        string[] protocol = resp == 3 ? ["-3"] : [];
        string p = $"cli-resp{resp}:";
        int node1 = cluster.Port(1);
        int node3 = cluster.Port(3);
        Task<string> Cli(int port, params string[] args) => RedisCli.OutputAsync(port, [.. protocol, .. args]);

        // Connect: the protocol asked for is the one the node speaks to this client.
        Assert.Contains($" resp={resp} ", await Cli(node1, "CLIENT", "INFO"), StringComparison.Ordinal);

        // Strings with expiry.
        Assert.Equal("OK\n", await Cli(node1, "SET", p + "greeting", "hello", "EX", "100"));
        Assert.Equal("hello\n", await Cli(node1, "GET", p + "greeting"));
        Assert.InRange(int.Parse(await Cli(node1, "TTL", p + "greeting"), CultureInfo.InvariantCulture), 1, 100);
        Assert.Equal("OK\n", await Cli(node1, "SET", p + "short", "x", "PX", "200"));
        await WaitUntilAsync(async () => await Cli(node1, "EXISTS", p + "short") == "0\n", "the 200 ms key to expire");

        // A pipeline: --pipe mass insertion, with one command that fails.
        var mass = new StringBuilder();
        for (int i = 0; i < 1000; i++)
        {
            mass.Append(CultureInfo.InvariantCulture, $"SET {p}mass:{i} {i}\r\n");
        }
        mass.Append(CultureInfo.InvariantCulture, $"INCRBY {p}counter 5\r\nINCR {p}greeting\r\n");
        RedisCli.Result piped = await RedisCli.RunAsync(node1, mass.ToString(), [.. protocol, "--pipe"]);
        Assert.True(piped.ExitCode == 1 && piped.Output.EndsWith("errors: 1, replies: 1002\n", StringComparison.Ordinal), piped.ToString());
        Assert.Equal("ERR value is not an integer or out of range\n", piped.Errors);
        Assert.Equal("999\n", await Cli(node1, "GET", p + "mass:999"));

        // MULTI/EXEC, typed into redis-cli's standard input.
        RedisCli.Result transaction = await RedisCli.RunAsync(node1, $"MULTI\nSET {p}t 1\nINCR {p}t\nGET {p}t\nEXEC\n", protocol);
        Assert.Equal(new RedisCli.Result(0, "OK\nQUEUED\nQUEUED\nQUEUED\nOK\n2\n2\n", ""), transaction);

        // KEYS and --scan.
        string[] names = [.. Enumerable.Range(0, 30).Select(i => $"{p}scan:{i}").Order(StringComparer.Ordinal)];
        Assert.Equal("OK\n", await Cli(node1, ["MSET", .. names.SelectMany(n => new[] { n, "v" })]));
        Assert.Equal(names, Lines(await Cli(node1, "KEYS", p + "scan:*")).Order(StringComparer.Ordinal));
        Assert.Equal(names, Lines(await Cli(node1, "--scan", "--pattern", p + "scan:*")).Order(StringComparer.Ordinal));

        // SUBSCRIBE and PSUBSCRIBE on node 3, PUBLISH on node 1.
        string redisCli = ExternalTool.Find("redis-cli")!;
        string port3 = node3.ToString(CultureInfo.InvariantCulture);
        using (StreamingTool channel = StreamingTool.Start(redisCli, [.. protocol, "-p", port3, "SUBSCRIBE", p + "news"]))
        using (StreamingTool pattern = StreamingTool.Start(redisCli, [.. protocol, "-p", port3, "PSUBSCRIBE", p + "n*"]))
        {
            await channel.WaitForAsync(l => l.SequenceEqual(["subscribe", p + "news", "1"]), "SUBSCRIBE to be acknowledged");
            await pattern.WaitForAsync(l => l.SequenceEqual(["psubscribe", p + "n*", "1"]), "PSUBSCRIBE to be acknowledged");
            Assert.Equal("0\n", await Cli(node1, "PUBLISH", p + "news", "hello from node 1")); // node 1's own receivers: none
            await channel.WaitForAsync(l => l.Count >= 6, "the message on node 3");
            await pattern.WaitForAsync(l => l.Count >= 7, "the pattern message on node 3");
            Assert.Equal(["message", p + "news", "hello from node 1"], channel.Lines[3..]);
            Assert.Equal(["pmessage", p + "n*", p + "news", "hello from node 1"], pattern.Lines[3..]);
        }
        // Stopping redis-cli is how its user unsubscribes: node 3 forgets both subscriptions.
        await WaitUntilAsync(async () => await Cli(node3, "PUBSUB", "NUMSUB", p + "news") == $"{p}news\n0\n" && await Cli(node3, "PUBSUB", "NUMPAT") == "0\n",
            "node 3 to drop the subscriptions of the stopped redis-cli");
    }

    [RequiresRedisCliTerminalFact(Timeout = 240_000)]
    public async Task Interactive_mode_reconnects_by_itself_after_its_node_restarts()
    {
        int port = cluster.Port(1);
        string prompt = $"127.0.0.1:{port}> ";
        using TerminalSession terminal = TerminalSession.Start(120, 40, ExternalTool.Find("redis-cli")!, "-p", port.ToString(CultureInfo.InvariantCulture));
        await terminal.WaitForTextAsync(prompt);
        terminal.Type("SET cli:before restart\r");
        await terminal.WaitForTextAsync("OK\r\n" + prompt);

        await cluster.RestartAsync([1, 3]);

        // redis-cli reports the closed connection once ("not connected>") and connects again for the next command.
        terminal.Type("GET cli:before\r");
        string first = await terminal.WaitForAsync(s => s.Contains("(nil)\r\n" + prompt, StringComparison.Ordinal) || s.Contains("not connected> ", StringComparison.Ordinal), "the first command after the restart to end");
        if (!first.Contains("(nil)", StringComparison.Ordinal))
        {
            Assert.Contains("Error: Server closed the connection", first, StringComparison.Ordinal);
            terminal.Type("GET cli:before\r");
            await terminal.WaitForTextAsync("(nil)\r\n" + prompt); // the restarted node starts empty
        }
        terminal.Type("SET cli:after restart\r");
        await terminal.WaitForTextAsync("OK\r\n" + prompt);
        terminal.Type("QUIT\r");
        Assert.Equal(0, await terminal.WaitForExitAsync());
    }

    [RequiresRedisCliTerminalFact(Timeout = 120_000)]
    public async Task Interactive_mode_shows_hints_from_command_docs()
    {
        int port = cluster.Port(2);
        string prompt = $"127.0.0.1:{port}> ";
        using TerminalSession terminal = TerminalSession.Start(200, 40, ExternalTool.Find("redis-cli")!, "-p", port.ToString(CultureInfo.InvariantCulture));
        string start = await terminal.WaitForTextAsync(prompt);
        Assert.DoesNotContain("Unknown", start, StringComparison.Ordinal); // redis-cli read every COMMAND DOCS argument type

        Assert.Equal("key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]",
            await HintAsync(terminal, prompt, "set"));
        // CLIENT SETINFO is newer than redis-cli 7.0's built-in help: this hint can only come from the node's COMMAND DOCS.
        Assert.Equal("LIB-NAME libname|LIB-VER libver", await HintAsync(terminal, prompt, "client setinfo"));
        Assert.Equal("[message]", await HintAsync(terminal, prompt, "ping"));

        terminal.Type("\x15SET cli:greeting \"hello world\"\r");
        await terminal.WaitForTextAsync("OK\r\n" + prompt);
        terminal.Type("GET cli:greeting\r");
        await terminal.WaitForTextAsync("\"hello world\"\r\n" + prompt); // on a terminal, replies are quoted
        terminal.Type("TTL cli:greeting\r");
        await terminal.WaitForTextAsync("(integer) -1\r\n" + prompt);
        terminal.Type("QUIT\r");
        Assert.Equal(0, await terminal.WaitForExitAsync());
    }

    /// <summary>Types a command and a space, and returns the hint redis-cli then shows in grey (null when none).</summary>
    internal static async Task<string?> HintAsync(TerminalSession terminal, string prompt, string command)
    {
        terminal.Type("\x15" + command + " "); // Ctrl-U clears the line first
        var refreshed = new Regex(Regex.Escape(prompt + command + " ") + @"(?:\x1b\[0;90;49m(?<hint>[^\x1b]*)\x1b\[0m)?\r\x1b\[\d+C");
        string shown = await terminal.WaitForAsync(refreshed.IsMatch, $"redis-cli to redraw '{command} '");
        Group hint = refreshed.Matches(shown)[^1].Groups["hint"];
        return hint.Success ? hint.Value : null;
    }

    [RequiresRedisCliTerminalFact(Timeout = 120_000)]
    public async Task Stat_prints_a_row_of_live_figures_per_interval()
    {
        int port = cluster.Port(2);
        Assert.Equal("OK\n", await RedisCli.OutputAsync(port, "MSET", "stat:a", "1", "stat:b", "2", "stat:c", "3"));
        long keys = Regex.Matches(await RedisCli.OutputAsync(port, "INFO", "keyspace"), @"keys=(\d+)").Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));

        using TerminalSession terminal = TerminalSession.Start(120, 40, ExternalTool.Find("redis-cli")!, "-p", port.ToString(CultureInfo.InvariantCulture), "--stat", "-i", "0.1");
        string screen = await terminal.WaitForAsync(s => StatRow().Count(s) >= 4, "four rows of --stat");

        Assert.Contains("------- data ------ --------------------- load -------------------- - child -", screen, StringComparison.Ordinal);
        Assert.Matches(@"keys\s+mem\s+clients\s+blocked\s+requests\s+connections", screen);
        Match[] rows = [.. StatRow().Matches(screen).Cast<Match>()];
        Assert.All(rows, row =>
        {
            Assert.Equal(keys, long.Parse(row.Groups["keys"].Value, CultureInfo.InvariantCulture));
            Assert.True(long.Parse(row.Groups["clients"].Value, CultureInfo.InvariantCulture) >= 1, row.Value);
            Assert.Equal("0", row.Groups["blocked"].Value);
        });
        // Each row polls INFO, which is itself a request: the counter climbs row after row.
        long[] requests = [.. rows.Select(r => long.Parse(r.Groups["requests"].Value, CultureInfo.InvariantCulture))];
        Assert.True(requests.Zip(requests.Skip(1)).All(pair => pair.Second > pair.First), string.Join(", ", requests));
    }

    [GeneratedRegex(@"(?<keys>\d+)\s+(?<mem>[\d.]+[BKMGT]?)\s+(?<clients>\d+)\s+(?<blocked>\d+)\s+(?<requests>\d+) \(\+\d+\)\s+(?<connections>\d+)")]
    private static partial Regex StatRow();

    [RequiresToolFact("redis-cli", Timeout = 60_000)]
    public async Task Repeat_runs_a_command_three_times() =>
        Assert.Equal("PONG\nPONG\nPONG\n", await RedisCli.OutputAsync(cluster.Port(2), "-r", "3", "PING"));

    [RequiresToolFact("redis-cli", Timeout = 120_000)]
    public async Task Monitor_streams_every_command_the_node_runs()
    {
        int port = cluster.Port(2);
        using StreamingTool monitor = StreamingTool.Start(ExternalTool.Find("redis-cli")!, "-p", port.ToString(CultureInfo.InvariantCulture), "MONITOR");
        await monitor.WaitForAsync(l => l.Contains("OK"), "MONITOR to start");

        using RawClient client = RawClient.Connect(port);
        Assert.Equal("+OK\r\n", client.Call("SET", "monitored key", "two\nlines"));
        Assert.Equal("+OK\r\n", client.Call("MULTI"));
        Assert.Equal("+QUEUED\r\n", client.Call("INCR", "monitored:counter"));
        Assert.Equal("*1\r\n:1\r\n", client.Call("EXEC"));
        Assert.Equal("+OK\r\n", client.Call("CONFIG", "SET", "hz", "10")); // admin: not shown
        Assert.Equal("$5\r\ndone.\r\n", client.Call("ECHO", "done."));

        List<string> lines = await monitor.WaitForAsync(l => l.Any(x => x.EndsWith("\"ECHO\" \"done.\"", StringComparison.Ordinal)), "the last command to be shown");
        string origin = $@"^\d{{10}}\.\d{{6}} \[0 127\.0\.0\.1:{client.LocalPort}\] ";
        string[] shown = [.. lines.SkipWhile(l => l != "OK").Skip(1).Where(l => Regex.IsMatch(l, origin))];
        Assert.Equal(
            ["\"SET\" \"monitored key\" \"two\\nlines\"", "\"MULTI\"", "\"INCR\" \"monitored:counter\"", "\"EXEC\"", "\"ECHO\" \"done.\""],
            shown.Select(l => Regex.Replace(l, origin, "")));
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 20)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(50);
        }
    }
}
