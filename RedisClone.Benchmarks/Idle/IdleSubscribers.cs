using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using RedisClone.Benchmarks.Cli;
using RedisClone.Benchmarks.Net;
using RedisClone.Benchmarks.PubSub;
using RedisClone.Benchmarks.Resp;

namespace RedisClone.Benchmarks.Idle;

/// <summary>
/// The idle mode: N connections that each subscribe once and then stay silent, so the server's memory can be read
/// with nothing but idle subscribers on it. Prints a READY line once every subscription is confirmed, holds the
/// connections until <paramref name="stop"/> or --hold, then reports how many the server closed meanwhile.
/// </summary>
public sealed class IdleSubscribers(ToolOptions options, TextWriter output, TextWriter progress, CancellationToken stop)
{
    private const int ConnectParallelism = 64;

    public async Task<bool> RunAsync()
    {
        var map = new ChannelMap(options.ChannelPrefix, options.Channels, options.IdleConnections);
        var sockets = new Socket?[options.IdleConnections];
        try
        {
            long start = Stopwatch.GetTimestamp();
            int confirmed = await SubscribeAllAsync(map, sockets);
            double setupSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            output.WriteLine(Invariant($"READY idle_connections={options.IdleConnections} confirmed={confirmed} setup_s={setupSeconds:0.000}"));
            output.Flush();
            progress.WriteLine(options.Hold > 0
                ? Invariant($"holding {confirmed} idle subscribers for {options.Hold} s (Ctrl+C or SIGTERM to stop sooner)")
                : Invariant($"holding {confirmed} idle subscribers until Ctrl+C or SIGTERM"));
            long holdStart = Stopwatch.GetTimestamp();
            try
            {
                await Task.Delay(options.Hold > 0 ? TimeSpan.FromSeconds(options.Hold) : Timeout.InfiniteTimeSpan, stop);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: the normal way to end an unbounded hold.
            }
            double heldSeconds = Stopwatch.GetElapsedTime(holdStart).TotalSeconds;
            int closed = sockets.Count(s => s is not null && IsClosedByPeer(s));
            output.WriteLine(Invariant($"idle: {options.IdleConnections} connections, {confirmed} confirmed, {closed} closed by the server while held, held {heldSeconds:0.0} s"));
            output.WriteLine(Invariant(
                $"SUMMARY mode=idle idle_connections={options.IdleConnections} channels={options.Channels} patterns={(options.Patterns ? 1 : 0)} confirmed={confirmed} closed_by_server={closed} setup_s={setupSeconds:0.000} held_s={heldSeconds:0.0}"));
            return confirmed == options.IdleConnections && closed == 0;
        }
        finally
        {
            foreach (Socket? socket in sockets)
            {
                socket?.Dispose();
            }
        }
    }

    private async Task<int> SubscribeAllAsync(ChannelMap map, Socket?[] sockets)
    {
        using var setup = CancellationTokenSource.CreateLinkedTokenSource(stop);
        setup.CancelAfter(TimeSpan.FromSeconds(options.SetupTimeout));
        int confirmed = 0;
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = setup.Token };
            await Parallel.ForEachAsync(Enumerable.Range(0, options.IdleConnections), parallel, async (i, token) =>
            {
                Endpoint endpoint = options.SubscribeEndpoints[i % options.SubscribeEndpoints.Count];
                Socket socket;
                try
                {
                    socket = await endpoint.ConnectAsync(token);
                }
                catch (SocketException ex)
                {
                    throw new RunFailedException(Invariant($"connection {i}: cannot connect to {endpoint}: {ex.Message}"));
                }
                sockets[i] = socket;
                int channel = map.ChannelOfSubscriber(i);
                byte[] command = options.Patterns
                    ? RespCommand.Encode("PSUBSCRIBE", map.PatternFor(channel))
                    : RespCommand.Encode("SUBSCRIBE", map.ChannelName(channel));
                await socket.SendAsync(command, SocketFlags.None, token);
                await ReadConfirmationAsync(socket, i, token);
                int done = Interlocked.Increment(ref confirmed);
                if (done % 10_000 == 0)
                {
                    progress.WriteLine(Invariant($"subscriptions confirmed: {done} of {options.IdleConnections}"));
                }
            });
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            throw new RunFailedException(Invariant(
                $"only {confirmed} of {options.IdleConnections} subscriptions were confirmed within {options.SetupTimeout} s (--setup-timeout)"));
        }
        catch (OperationCanceledException)
        {
            throw new RunFailedException("interrupted while subscribing");
        }
        return confirmed;
    }

    private static async Task ReadConfirmationAsync(Socket socket, int index, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1024);
        try
        {
            int length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    throw new RunFailedException(Invariant($"connection {index}: the reply to SUBSCRIBE is longer than {buffer.Length} bytes"));
                }
                int read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    throw new RunFailedException(Invariant($"connection {index}: the server closed the connection before confirming the subscription"));
                }
                length += read;
                PushFrame frame = ParseFirst(buffer.AsSpan(0, length), index);
                if (frame.Kind is PushKind.Subscribed or PushKind.PatternSubscribed)
                {
                    return;
                }
                if (frame.Kind != PushKind.Incomplete)
                {
                    throw new RunFailedException(Invariant($"connection {index}: unexpected reply to SUBSCRIBE: {Encoding.UTF8.GetString(buffer, 0, length).TrimEnd()}"));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static PushFrame ParseFirst(ReadOnlySpan<byte> data, int index)
    {
        try
        {
            return PushFrameParser.Parse(data);
        }
        catch (InvalidDataException ex)
        {
            throw new RunFailedException(Invariant($"connection {index}: {ex.Message}"));
        }
    }

    /// <summary>Readable with nothing to read means the peer closed: nothing else is sent to an idle subscriber.</summary>
    private static bool IsClosedByPeer(Socket socket)
    {
        try
        {
            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
