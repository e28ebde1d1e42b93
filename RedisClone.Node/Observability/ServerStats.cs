namespace RedisClone.Node.Observability;

/// <summary>Server-wide counters for INFO stats (reset by CONFIG RESETSTAT where Redis resets them).</summary>
internal sealed class ServerStats
{
    private long _connectionsReceived;
    private long _commandsProcessed;
    private long _netInputBytes;
    private long _netOutputBytes;
    private long _rejectedConnections;
    private long _errorReplies;

    public long ConnectionsReceived => Interlocked.Read(ref _connectionsReceived);
    public long CommandsProcessed => Interlocked.Read(ref _commandsProcessed);
    public long NetInputBytes => Interlocked.Read(ref _netInputBytes);
    public long NetOutputBytes => Interlocked.Read(ref _netOutputBytes);
    public long RejectedConnections => Interlocked.Read(ref _rejectedConnections);
    public long ErrorReplies => Interlocked.Read(ref _errorReplies);

    public void ConnectionReceived() => Interlocked.Increment(ref _connectionsReceived);
    public void ConnectionRejected() => Interlocked.Increment(ref _rejectedConnections);
    public void AddCommands(long count) => Interlocked.Add(ref _commandsProcessed, count);
    public void AddInput(long bytes) => Interlocked.Add(ref _netInputBytes, bytes);
    public void AddOutput(long bytes) => Interlocked.Add(ref _netOutputBytes, bytes);
    public void AddErrors(long count) => Interlocked.Add(ref _errorReplies, count);

    // instantaneous_ops_per_sec: Redis samples the counter over the last 16 intervals of 100 ms.
    private readonly long[] _opsSamples = new long[16];
    private int _sampleIndex;
    private long _lastSampleCommands;
    private long _lastSampleTicks = Environment.TickCount64;

    public long InstantaneousOpsPerSec { get; private set; }

    public void Sample()
    {
        long now = Environment.TickCount64;
        long elapsed = now - _lastSampleTicks;
        if (elapsed < 100)
        {
            return;
        }
        long commands = CommandsProcessed;
        _opsSamples[_sampleIndex++ % _opsSamples.Length] = (commands - _lastSampleCommands) * 1000 / elapsed;
        _lastSampleCommands = commands;
        _lastSampleTicks = now;
        InstantaneousOpsPerSec = (long)_opsSamples.Average();
    }

    public void Reset()
    {
        Interlocked.Exchange(ref _connectionsReceived, 0);
        Interlocked.Exchange(ref _commandsProcessed, 0);
        Interlocked.Exchange(ref _netInputBytes, 0);
        Interlocked.Exchange(ref _netOutputBytes, 0);
        Interlocked.Exchange(ref _rejectedConnections, 0);
        Interlocked.Exchange(ref _errorReplies, 0);
        _lastSampleCommands = 0;
    }
}
