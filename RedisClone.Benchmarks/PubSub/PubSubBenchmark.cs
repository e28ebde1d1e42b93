using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using HdrHistogram;
using RedisClone.Benchmarks.Cli;
using RedisClone.Benchmarks.Net;
using RedisClone.Benchmarks.Resp;

namespace RedisClone.Benchmarks.PubSub;

/// <summary>
/// The pubsub mode: connect and subscribe everyone, wait for every confirmation, publish, wait for the deliveries to
/// drain, then add up. <paramref name="stopPublishing"/> (first Ctrl+C) ends publishing early but still drains;
/// <paramref name="abort"/> (second Ctrl+C) ends everything at once.
/// </summary>
public sealed class PubSubBenchmark(ToolOptions options, TextWriter progress, CancellationToken stopPublishing, CancellationToken abort)
{
    private const int ConnectParallelism = 32;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    private readonly List<Socket> _sockets = [];
    private readonly List<SubscriberConnection> _subscriberConnections = [];
    private readonly List<string> _failures = [];
    private EpollReader[] _epollReaders = [];

    public async Task<PubSubResult> RunAsync()
    {
        var map = new ChannelMap(options.ChannelPrefix, options.Channels, options.Subscribers);
        using var latency = new LatencyRecorder();
        using var stopReaders = new CancellationTokenSource();
        var subscribers = new SubscriberConnection[options.Subscribers];
        var readers = new Task[options.Subscribers];
        _epollReaders = new EpollReader[options.ReaderThreads];
        for (int t = 0; t < _epollReaders.Length; t++)
        {
            int capacity = (options.Subscribers / _epollReaders.Length) + 1;
            _epollReaders[t] = new EpollReader(Invariant($"subscriber reader {t}"), capacity);
        }
        try
        {
            await SubscribeAllAsync(map, subscribers, readers, latency, stopReaders.Token);
            PublisherConnection[] publishers = await ConnectPublishersAsync(map);
            try
            {
                PubSubResult measured = await PublishAndDrainAsync(publishers, subscribers);
                StopReaders();
                await stopReaders.CancelAsync();
                CloseSockets();
                await Task.WhenAll(readers);
                CollectFailures(publishers, subscribers);
                return WithLatency(measured, latency.Merge()) with { Failures = [.. _failures] };
            }
            finally
            {
                foreach (PublisherConnection publisher in publishers)
                {
                    publisher.Dispose();
                }
            }
        }
        finally
        {
            StopReaders();
            await stopReaders.CancelAsync();
            CloseSockets();
            // Receive buffers go back to the pool only once no receive can still write into them.
            await Task.WhenAll(readers.Where(r => r is not null));
            lock (_subscriberConnections)
            {
                foreach (SubscriberConnection subscriber in _subscriberConnections)
                {
                    subscriber.Dispose();
                }
            }
        }
    }

    /// <summary>Joins the epoll threads, so no receive runs once the sockets are closed.</summary>
    private void StopReaders()
    {
        foreach (EpollReader reader in _epollReaders)
        {
            reader.Dispose();
            if (reader.Failure is { } failure)
            {
                _failures.Add(failure);
            }
        }
        _epollReaders = [];
    }

    private async Task SubscribeAllAsync(
        ChannelMap map, SubscriberConnection[] subscribers, Task[] readers, LatencyRecorder latency, CancellationToken readersToken)
    {
        var barrier = new SubscriptionBarrier(options.Subscribers);
        using var setup = CancellationTokenSource.CreateLinkedTokenSource(stopPublishing, abort);
        setup.CancelAfter(TimeSpan.FromSeconds(options.SetupTimeout));
        try
        {
            if (options.ReaderThreads > 0)
            {
                // Blocking connects and sends keep the sockets out of .NET's epoll engine (see Endpoint.Connect).
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = setup.Token };
                await Task.Run(() => Parallel.For(0, options.Subscribers, parallel, i =>
                {
                    SubscriberConnection subscriber = NewSubscriber(i, ConnectBlocking(SubscribeEndpoint(i)), map, barrier, latency);
                    subscribers[i] = subscriber;
                    readers[i] = Task.CompletedTask;
                    subscriber.ReadWith(_epollReaders[i % _epollReaders.Length]);
                    subscriber.Socket.Send(SubscribeCommand(map, subscriber));
                })).WaitAsync(setup.Token);
            }
            else
            {
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = setup.Token };
                await Parallel.ForEachAsync(Enumerable.Range(0, options.Subscribers), parallel, async (i, token) =>
                {
                    SubscriberConnection subscriber = NewSubscriber(i, await ConnectAsync(SubscribeEndpoint(i), token), map, barrier, latency);
                    subscribers[i] = subscriber;
                    readers[i] = subscriber.RunAsync(readersToken);
                    await subscriber.Socket.SendAsync(SubscribeCommand(map, subscriber), SocketFlags.None, token);
                });
            }
            long lastLine = Stopwatch.GetTimestamp();
            while (!barrier.AllConfirmed.IsCompleted)
            {
                ThrowIfAnySubscriberFailed(subscribers);
                await Task.WhenAny(barrier.AllConfirmed, Task.Delay(PollInterval, CancellationToken.None));
                setup.Token.ThrowIfCancellationRequested();
                if (options.ProgressInterval > 0 && Stopwatch.GetElapsedTime(lastLine).TotalSeconds >= options.ProgressInterval)
                {
                    progress.WriteLine(Invariant($"subscriptions confirmed: {barrier.Confirmed} of {barrier.Expected}"));
                    lastLine = Stopwatch.GetTimestamp();
                }
            }
            ThrowIfAnySubscriberFailed(subscribers);
        }
        catch (OperationCanceledException) when (!stopPublishing.IsCancellationRequested && !abort.IsCancellationRequested)
        {
            throw new RunFailedException(Invariant(
                $"only {barrier.Confirmed} of {options.Subscribers} subscriptions were confirmed within {options.SetupTimeout} s (--setup-timeout)"));
        }
        catch (OperationCanceledException)
        {
            throw new RunFailedException("interrupted before publishing started");
        }
        catch (AggregateException ex) when (ex.InnerException is RunFailedException failed)
        {
            throw failed;
        }
    }

    private Endpoint SubscribeEndpoint(int subscriber) => options.SubscribeEndpoints[subscriber % options.SubscribeEndpoints.Count];

    private SubscriberConnection NewSubscriber(int index, Socket socket, ChannelMap map, SubscriptionBarrier barrier, LatencyRecorder latency)
    {
        var subscriber = new SubscriberConnection(socket, index, map, options.Publishers, barrier, latency);
        lock (_subscriberConnections)
        {
            _subscriberConnections.Add(subscriber);
        }
        return subscriber;
    }

    private byte[] SubscribeCommand(ChannelMap map, SubscriberConnection subscriber) => options.Patterns
        ? RespCommand.Encode("PSUBSCRIBE", map.PatternFor(subscriber.Channel))
        : RespCommand.Encode("SUBSCRIBE", map.ChannelName(subscriber.Channel));

    private static void ThrowIfAnySubscriberFailed(SubscriberConnection[] subscribers)
    {
        for (int i = 0; i < subscribers.Length; i++)
        {
            SubscriberConnection s = subscribers[i];
            if (s.Failure is not null || s.ClosedByServer)
            {
                throw new RunFailedException(Invariant($"subscriber {i} failed to subscribe: {s.Failure ?? "the server closed the connection"}"));
            }
        }
    }

    private async Task<PublisherConnection[]> ConnectPublishersAsync(ChannelMap map)
    {
        using var setup = CancellationTokenSource.CreateLinkedTokenSource(stopPublishing, abort);
        setup.CancelAfter(TimeSpan.FromSeconds(options.SetupTimeout));
        var publishers = new PublisherConnection[options.Publishers];
        for (int p = 0; p < publishers.Length; p++)
        {
            // An even split: the first (M mod P) publishers send one message more.
            long quota = (options.Messages / options.Publishers) + (p < options.Messages % options.Publishers ? 1 : 0);
            Socket socket = await ConnectAsync(options.PublishEndpoints[p % options.PublishEndpoints.Count], setup.Token);
            publishers[p] = new PublisherConnection(socket, p, map, quota, options.Pipeline, options.Size);
        }
        return publishers;
    }

    private async Task<PubSubResult> PublishAndDrainAsync(PublisherConnection[] publishers, SubscriberConnection[] subscribers)
    {
        using var publishing = CancellationTokenSource.CreateLinkedTokenSource(stopPublishing);
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(abort);
        if (options.DurationLimit > 0)
        {
            publishing.CancelAfter(TimeSpan.FromSeconds(options.DurationLimit));
        }
        long start = Stopwatch.GetTimestamp();
        TimeSpan cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        var tasks = new Task[publishers.Length];
        for (int p = 0; p < publishers.Length; p++)
        {
            PublishSchedule? schedule = options.Rate > 0 ? new PublishSchedule(options.Rate, publishers.Length, p, start) : null;
            tasks[p] = publishers[p].RunAsync(schedule, publishing.Token, stall.Token);
        }
        Task allPublished = Task.WhenAll(tasks);
        var printer = new ProgressPrinter(progress, options.ProgressInterval, start);
        long lastActivity = -1;
        long lastActivityAt = start;
        bool drainTimedOut = false;
        RunTotals totals;
        while (true)
        {
            await Task.WhenAny(allPublished, Task.Delay(PollInterval, CancellationToken.None));
            long now = Stopwatch.GetTimestamp();
            totals = RunTotals.Of(publishers, subscribers);
            bool draining = allPublished.IsCompleted;
            printer.Tick(now, totals, draining);
            if (totals.Activity != lastActivity)
            {
                lastActivity = totals.Activity;
                lastActivityAt = now;
            }
            if (abort.IsCancellationRequested || (draining && totals.Delivered >= totals.Expected))
            {
                break;
            }
            // A paced publisher may legitimately be quiet; a missing reply or delivery may not.
            bool waitingOnServer = draining || totals.Acked < totals.Sent;
            if (waitingOnServer && Stopwatch.GetElapsedTime(lastActivityAt).TotalSeconds >= options.DrainTimeout)
            {
                drainTimedOut = true;
                if (!draining)
                {
                    _failures.Add(Invariant($"no reply to PUBLISH for {options.DrainTimeout} s: stopped publishing"));
                }
                break;
            }
        }
        await stall.CancelAsync();
        await allPublished;
        totals = RunTotals.Of(publishers, subscribers);
        StopReason stopped = totals.Sent == options.Messages ? StopReason.Completed
            : stopPublishing.IsCancellationRequested || abort.IsCancellationRequested ? StopReason.Interrupted
            : publishing.IsCancellationRequested ? StopReason.DurationLimit
            : StopReason.Interrupted;
        long lastReply = publishers.Max(p => p.LastReplyTimestamp);
        long lastDelivery = subscribers.Length == 0 ? 0 : subscribers.Max(s => s.LastDeliveryTimestamp);
        return new PubSubResult
        {
            Options = options,
            Published = totals.Sent,
            PublishErrors = totals.PublishErrors,
            Expected = totals.Expected,
            Delivered = totals.Delivered,
            Duplicates = totals.Duplicates,
            OutOfOrder = totals.OutOfOrder,
            Unexpected = totals.Unexpected,
            ClosedSubscribers = totals.ClosedSubscribers,
            PublishSeconds = SecondsBetween(start, lastReply),
            DeliverySeconds = SecondsBetween(start, lastDelivery),
            Stopped = stopped,
            DrainTimedOut = drainTimedOut,
            ToolCpuMilliseconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalMilliseconds,
        };
    }

    private void CollectFailures(PublisherConnection[] publishers, SubscriberConnection[] subscribers)
    {
        for (int p = 0; p < publishers.Length; p++)
        {
            if (publishers[p].Failure is { } failure)
            {
                _failures.Add(Invariant($"publisher {p}: {failure}"));
            }
        }
        for (int s = 0; s < subscribers.Length; s++)
        {
            if (subscribers[s].Failure is { } failure)
            {
                _failures.Add(Invariant($"subscriber {s}: {failure}"));
            }
        }
    }

    private static PubSubResult WithLatency(PubSubResult result, LongHistogram latency)
    {
        if (latency.TotalCount == 0)
        {
            return result;
        }
        return result with
        {
            P50Micros = latency.GetValueAtPercentile(50),
            P99Micros = latency.GetValueAtPercentile(99),
            P999Micros = latency.GetValueAtPercentile(99.9),
            MaxMicros = latency.GetMaxValue(),
            MeanMicros = latency.GetMean(),
        };
    }

    private Socket ConnectBlocking(Endpoint endpoint)
    {
        Socket socket;
        try
        {
            socket = endpoint.Connect();
        }
        catch (SocketException ex)
        {
            throw new RunFailedException($"cannot connect to {endpoint}: {ex.Message}");
        }
        lock (_sockets)
        {
            _sockets.Add(socket);
        }
        return socket;
    }

    private async Task<Socket> ConnectAsync(Endpoint endpoint, CancellationToken cancellationToken)
    {
        Socket socket;
        try
        {
            socket = await endpoint.ConnectAsync(cancellationToken);
        }
        catch (SocketException ex)
        {
            throw new RunFailedException($"cannot connect to {endpoint}: {ex.Message}");
        }
        lock (_sockets)
        {
            _sockets.Add(socket);
        }
        return socket;
    }

    private void CloseSockets()
    {
        lock (_sockets)
        {
            foreach (Socket socket in _sockets)
            {
                socket.Dispose();
            }
            _sockets.Clear();
        }
    }

    private static double SecondsBetween(long start, long end) => end <= start ? 0 : (double)(end - start) / Stopwatch.Frequency;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
