using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace RedisClone.Tests.Infrastructure;

/// <summary>
/// Runs one client library's scenario script (clients/node/*.mjs, clients/python/*.py) against a
/// <see cref="ProcessCluster"/> and keeps everything it printed. The script prints "RESTART 1 3" when it wants those
/// nodes restarted; the runner restarts them, waits for the cluster to re-form and writes "RESTARTED" to the script's
/// standard input. A script that succeeds prints "DONE" last and exits with 0.
/// </summary>
public static class ClientScenario
{
    public sealed record Result(int ExitCode, string Transcript)
    {
        public bool Succeeded => ExitCode == 0 && Transcript.Split('\n').Any(l => l.Trim() == "DONE");
    }

    public static async Task<Result> RunAsync(ProcessCluster cluster, TimeSpan deadline, string program, params string[] args)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        var transcript = new StringBuilder();
        var restarts = System.Threading.Channels.Channel.CreateUnbounded<int[]>();
        using Process process = new() { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                restarts.Writer.TryComplete();
                return;
            }
            Append(transcript, e.Data);
            if (e.Data.StartsWith("RESTART ", StringComparison.Ordinal))
            {
                restarts.Writer.TryWrite([.. e.Data[8..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(n => int.Parse(n, CultureInfo.InvariantCulture))]);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Append(transcript, "stderr: " + e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await foreach (int[] nodes in restarts.Reader.ReadAllAsync(timeout.Token))
            {
                await cluster.RestartAsync(nodes);
                Append(transcript, $"(test: restarted node {string.Join(" and ", nodes)})");
                try
                {
                    await process.StandardInput.WriteLineAsync("RESTARTED");
                    await process.StandardInput.FlushAsync();
                }
                catch (IOException)
                {
                    // The script has already exited; its exit code and output tell why.
                }
            }
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Append(transcript, $"(test: killed the script after {deadline.TotalSeconds} s)");
            return new Result(-1, Text(transcript));
        }
        return new Result(process.ExitCode, Text(transcript));
    }

    private static void Append(StringBuilder transcript, string line)
    {
        lock (transcript)
        {
            transcript.AppendLine(line);
        }
    }

    private static string Text(StringBuilder transcript)
    {
        lock (transcript)
        {
            return transcript.ToString();
        }
    }
}

/// <summary>Where the repository's own files are (the clients/ scenarios), found from the test assembly's folder.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Clients(params string[] parts) => Path.Combine([Root, "clients", .. parts]);

    private static string FindRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "RedisClone.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("RedisClone.sln not found above " + AppContext.BaseDirectory);
    }
}
