namespace RedisClone.Node.Hosting;

/// <summary>
/// With <c>--exit-on-stdin-close yes</c>: stops the node when its standard input reaches end of file. A supervisor
/// (RedisClone.AppHost) gives the node a pipe it keeps open; when the supervisor dies, even by SIGKILL, the kernel
/// closes the pipe and the node stops rather than run on with nobody watching it.
/// </summary>
internal sealed partial class StdinWatch(IHostApplicationLifetime lifetime, ILogger<StdinWatch> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // A blocking read on a thread of its own: a console stream's reads ignore cancellation, and a background
        // thread never holds the process up when it stops for another reason.
        var thread = new Thread(Watch) { IsBackground = true, Name = "stdin watch" };
        thread.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Watch()
    {
        using Stream input = Console.OpenStandardInput();
        var buffer = new byte[256];
        try
        {
            while (input.Read(buffer) > 0)
            {
                // Whatever arrives is ignored: only the end of the stream means something.
            }
        }
        catch (IOException)
        {
            // A broken pipe is as closed as a closed one.
        }
        LogStdinClosed(logger);
        lifetime.StopApplication();
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Standard input closed: stopping (--exit-on-stdin-close yes)")]
    private static partial void LogStdinClosed(ILogger logger);
}
