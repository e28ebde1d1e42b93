using System.Net.Sockets;
using System.Runtime.InteropServices;
using RedisClone.Benchmarks.Cli;
using RedisClone.Benchmarks.Idle;
using RedisClone.Benchmarks.PubSub;

namespace RedisClone.Benchmarks;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (OptionParser.WantsHelp(args))
        {
            Console.Write(HelpText.Text);
            return 0;
        }
        ToolOptions options;
        try
        {
            options = OptionParser.Parse(args);
        }
        catch (OptionParser.UsageException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }

        // First Ctrl+C / SIGTERM: stop publishing (or end the idle hold) and report; a second one: stop at once.
        using var stop = new CancellationTokenSource();
        using var abort = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            if (stop.IsCancellationRequested)
            {
                abort.Cancel();
            }
            stop.Cancel();
        }
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        try
        {
            if (options.Mode == ToolMode.Idle)
            {
                bool clean = await new IdleSubscribers(options, Console.Out, Console.Error, stop.Token).RunAsync();
                return clean ? 0 : 1;
            }
            PubSubResult result = await new PubSubBenchmark(options, Console.Error, stop.Token, abort.Token).RunAsync();
            Console.Write(result.HumanReport());
            Console.WriteLine(result.SummaryLine());
            return result.IsClean ? 0 : 1;
        }
        catch (RunFailedException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
        catch (SocketException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
    }
}
