using System.Diagnostics;
using System.Text.RegularExpressions;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Security;

/// <summary>Reading a node process's output: waits on a line with a deadline (the console logger writes from its own thread).</summary>
internal static partial class NodeOutput
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    public static async Task WaitForAsync(RunningNode node, string text)
    {
        var clock = Stopwatch.StartNew();
        while (!node.Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < Deadline, $"the node did not write '{text}' within {Deadline.TotalSeconds} s:\n{node.Output}");
            await Task.Delay(20);
        }
    }

    /// <summary>The RESP port from the node's "Ready to accept connections tcp on ... port N" line.</summary>
    public static int Port(RunningNode node) => int.Parse(ReadyLine().Match(node.Output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Ready to accept connections tcp on .* port (\d+)")]
    private static partial Regex ReadyLine();
}
