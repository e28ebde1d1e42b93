using System.Diagnostics;
using System.Globalization;

namespace RedisClone.Tests.Infrastructure;

/// <summary>redis-cli run once, as a script runs it (stdout is not a terminal, so replies print raw).</summary>
public static class RedisCli
{
    public sealed record Result(int ExitCode, string Output, string Errors);

    public static async Task<Result> RunAsync(int port, string? input, params string[] args)
    {
        var info = new ProcessStartInfo(ExternalTool.Find("redis-cli")!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), .. args])
        {
            info.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(info)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }
        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"redis-cli {string.Join(' ', args)} did not finish within 60 s");
        }
        return new Result(process.ExitCode, await output, await errors);
    }

    /// <summary>The output of a command that must succeed.</summary>
    public static async Task<string> OutputAsync(int port, params string[] args)
    {
        Result result = await RunAsync(port, null, args);
        Assert.True(result.ExitCode == 0 && result.Errors.Length == 0, $"redis-cli {string.Join(' ', args)}: {result}");
        return result.Output;
    }
}

/// <summary>A test that needs redis-cli and a pseudo-terminal, skipped with the reason when either is missing.</summary>
public sealed class RequiresRedisCliTerminalFactAttribute : FactAttribute
{
    public RequiresRedisCliTerminalFactAttribute()
    {
        Skip = ExternalTool.MissingReason("redis-cli") ?? TerminalSession.MissingReason();
    }
}
