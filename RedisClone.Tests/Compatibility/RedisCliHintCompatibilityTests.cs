using System.Globalization;
using System.Text;
using RedisClone.Tests.Clients.Suite;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Compatibility;

/// <summary>
/// redis-cli builds the hints of its interactive mode from COMMAND DOCS: for every command both servers have, the hint
/// it shows on a terminal after "command " must be the same against the node as against redis-server.
/// </summary>
public sealed class RedisCliHintCompatibilityTests(DifferentialFixture fixture) : DifferentialTestBase(fixture)
{
    /// <summary>Not compared, and why.</summary>
    private static readonly Dictionary<string, string> Skipped = new()
    {
        // The node documents its disabled CLUSTER subcommands without arguments (each answers that cluster support is disabled).
        ["cluster"] = "disabled on the node",
        // Redis 7.0 (the reference here) documents CLIENT KILL's filters in an older shape than 7.2 (the node's version).
        ["client kill"] = "documented differently by 7.0 and 7.2",
    };

    [RequiresRedisCliTerminalFact(Timeout = 300_000)]
    public async Task Every_hint_matches_redis_server()
    {
        Assert.True(Fixture.Redis.Available, "redis-server is not running:\n" + Fixture.Redis.Log);
        List<string> commands = [.. CommandNames(Fixture.Redis.Port).Intersect(CommandNames(Fixture.Node.Port))
            .Where(c => !Skipped.Keys.Any(s => c == s || c.StartsWith(s + " ", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)];
        Assert.True(commands.Count > 80, string.Join(", ", commands));

        Dictionary<string, string?> expected = await HintsAsync(Fixture.Redis.Port, commands);
        Dictionary<string, string?> actual = await HintsAsync(Fixture.Node.Port, commands);

        var report = new StringBuilder();
        foreach (string command in commands.Where(c => expected[c] != actual[c]))
        {
            report.Append(command).Append("\n   redis: ").Append(expected[command]).Append("\n   node:  ").Append(actual[command]).Append('\n');
        }
        Assert.True(report.Length == 0, "redis-cli shows different hints:\n" + report);
    }

    /// <summary>Commands and "container subcommand" pairs, as COMMAND INFO lists them.</summary>
    private static List<string> CommandNames(int port)
    {
        using RawClient client = RawClient.Connect(port);
        var names = new List<string>();
        foreach (string line in client.Call("COMMAND", "LIST").Split("\r\n").Where(l => l.Length > 0 && l[0] is not ('*' or '$')))
        {
            string docs = client.Call("COMMAND", "DOCS", line);
            int subcommands = docs.IndexOf("$11\r\nsubcommands\r\n", StringComparison.Ordinal);
            if (subcommands < 0)
            {
                names.Add(line);
                continue;
            }
            foreach (string entry in docs[subcommands..].Split("\r\n").Where(l => l.StartsWith(line + "|", StringComparison.Ordinal)))
            {
                names.Add(entry.Replace('|', ' '));
            }
        }
        return names;
    }

    private static async Task<Dictionary<string, string?>> HintsAsync(int port, List<string> commands)
    {
        string prompt = $"127.0.0.1:{port}> ";
        using TerminalSession terminal = TerminalSession.Start(500, 40, ExternalTool.Find("redis-cli")!, "-p", port.ToString(CultureInfo.InvariantCulture));
        string start = await terminal.WaitForTextAsync(prompt);
        Assert.DoesNotContain("Unknown", start, StringComparison.Ordinal);
        var hints = new Dictionary<string, string?>();
        foreach (string command in commands)
        {
            hints[command] = await RedisCliScenarioTests.HintAsync(terminal, prompt, command);
        }
        terminal.Type("\x15QUIT\r");
        await terminal.WaitForExitAsync();
        return hints;
    }
}
