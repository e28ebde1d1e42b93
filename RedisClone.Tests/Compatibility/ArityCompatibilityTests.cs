using RedisClone.Node.Commands;
using RedisClone.Node.Commands.Registration;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Compatibility;

/// <summary>
/// Every command and subcommand the node has must have redis-server's arity (as COMMAND INFO reports it on both), and
/// be refused with the same text when sent with one argument too few or too many by redis-server's arity. Nothing runs:
/// a wrong count is refused before the command does anything.
/// </summary>
public sealed class ArityCompatibilityTests(DifferentialFixture fixture) : DifferentialTestBase(fixture)
{
    /// <summary>Newer than the redis-server the tests compare with (7.0): documented differences, not compared.</summary>
    private static readonly HashSet<string> NewerThanReference = ["client|setinfo", "cluster|myshardid"];

    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        foreach (CommandDefinition command in CommandRegistration.CreateTable().All.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            data.Add(command.Name);
            foreach (CommandDefinition sub in command.Subcommands?.Values.OrderBy(c => c.Name, StringComparer.Ordinal) ?? Enumerable.Empty<CommandDefinition>())
            {
                if (!NewerThanReference.Contains(sub.FullName))
                {
                    data.Add(sub.FullName);
                }
            }
        }
        return data;
    }

    [RequiresToolTheory("redis-server")]
    [MemberData(nameof(Commands))]
    public void Arity_and_wrong_argument_counts_match_redis(string fullName)
    {
        Assert.True(Fixture.Redis.Available, "redis-server is not running:\n" + Fixture.Redis.Log);
        int arity = ArityFromCommandInfo(Fixture.Redis.Port, fullName);
        Assert.Equal(arity, ArityFromCommandInfo(Fixture.Node.Port, fullName));
        List<string> probes = WrongCounts(fullName, arity);
        if (probes.Count > 0)
        {
            AssertSameReplies(string.Join('\n', probes));
        }
    }

    /// <summary>The arity field (second element) of COMMAND INFO's reply for one command.</summary>
    private static int ArityFromCommandInfo(int port, string fullName)
    {
        using RawClient client = RawClient.Connect(port);
        string reply = client.Call("COMMAND", "INFO", fullName);
        string[] lines = reply.Split("\r\n");
        Assert.True(lines.Length > 4 && lines[0] == "*1" && lines[1] == "*10", $"COMMAND INFO {fullName} on port {port}: {reply}");
        return int.Parse(lines[4].AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The command with one argument too few (when it needs more than its name) and, for a fixed arity, one too many.
    /// Either is always an arity error, so nothing runs. Commands that take any number of arguments have neither.
    /// </summary>
    private static List<string> WrongCounts(string fullName, int arity)
    {
        string[] path = fullName.Split('|');
        string name = string.Join(' ', path);
        var lines = new List<string>();
        int minimum = Math.Abs(arity);
        if (minimum > path.Length)
        {
            lines.Add(name + string.Concat(Enumerable.Repeat(" x", minimum - path.Length - 1)));
        }
        if (arity > 0)
        {
            lines.Add(name + string.Concat(Enumerable.Repeat(" x", arity - path.Length + 1)));
        }
        return lines;
    }
}
