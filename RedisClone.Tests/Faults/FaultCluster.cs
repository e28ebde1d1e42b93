using System.Diagnostics;
using System.Globalization;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Faults;

/// <summary>
/// N real node processes on loopback (nodes n1..nN, each seeded with every other's gossip port), for fault
/// injection: any node can be killed, terminated, paused, resumed, cut off or restarted on its own ports and flags
/// (it comes back empty, with a new incarnation). Every process is killed when the cluster is disposed.
/// </summary>
public sealed class FaultCluster : IAsyncDisposable
{
    /// <summary>Fast timings for CI: heartbeat 100 ms, suspect 1 s, dead 3 s, replay window 2 s.</summary>
    public static readonly string[] FastTimings =
        ["--cluster-heartbeat-ms", "100", "--cluster-suspect-ms", "1000", "--cluster-dead-ms", "3000", "--cluster-replay-window-ms", "2000"];

    private readonly int[] _ports;
    private readonly int[] _gossipPorts;
    private readonly RunningNode?[] _nodes;
    private readonly string[] _extraArgs;
    private readonly List<string> _pastOutput = [];
    private readonly bool[] _expectedDown;

    private FaultCluster(int size, string[] extraArgs)
    {
        Size = size;
        _extraArgs = extraArgs;
        _ports = [.. Enumerable.Range(0, size).Select(_ => NodeProcess.FreePort())];
        _gossipPorts = [.. Enumerable.Range(0, size).Select(_ => NodeProcess.FreePort())];
        _nodes = new RunningNode?[size];
        _expectedDown = new bool[size];
    }

    public int Size { get; }

    public IEnumerable<int> Nodes => Enumerable.Range(1, Size);

    public int Port(int node) => _ports[node - 1];

    public int GossipPort(int node) => _gossipPorts[node - 1];

    public static async Task<FaultCluster> StartAsync(int size, params string[] extraArgs)
    {
        var cluster = new FaultCluster(size, extraArgs);
        try
        {
            await Task.WhenAll(cluster.Nodes.Select(cluster.StartNodeAsync));
            await cluster.WaitRecoveredAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    public string[] Arguments(int node) =>
    [
        "--port", Port(node).ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--node-name", Name(node),
        "--cluster-port", GossipPort(node).ToString(CultureInfo.InvariantCulture),
        "--cluster-peers", string.Join(',', Nodes.Where(n => n != node).Select(n => "127.0.0.1:" + GossipPort(n).ToString(CultureInfo.InvariantCulture))),
        "--enable-debug-command", "local",
        .. _extraArgs,
    ];

    public static string Name(int node) => "n" + node.ToString(CultureInfo.InvariantCulture);

    private async Task StartNodeAsync(int node)
    {
        _nodes[node - 1] = await RunningNode.StartAsync(Arguments(node));
        _expectedDown[node - 1] = false;
    }

    public RunningNode Node(int node) => _nodes[node - 1] ?? throw new InvalidOperationException($"node {node} is not running");

    /// <summary>SIGKILL, as a crash: the node is gone at once.</summary>
    public void Kill(int node)
    {
        _expectedDown[node - 1] = true;
        Node(node).Kill();
        Retire(node);
    }

    /// <summary>SIGTERM, and waits for the process to end; returns how long that took (the node must stop within 10 s).</summary>
    public TimeSpan Terminate(int node)
    {
        _expectedDown[node - 1] = true;
        var clock = Stopwatch.StartNew();
        RunningNode running = Node(node);
        running.Signal("TERM");
        if (!running.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException($"node {node} did not stop within 30 s of SIGTERM:\n{running.Output}");
        }
        TimeSpan took = clock.Elapsed;
        Retire(node);
        return took;
    }

    public void Pause(int node)
    {
        _expectedDown[node - 1] = true;
        Node(node).Signal("STOP");
    }

    public void Resume(int node)
    {
        Node(node).Signal("CONT");
        _expectedDown[node - 1] = false;
    }

    /// <summary>The fault switch: the node drops every gossip link and refuses new ones for the given time.</summary>
    public void CutLinks(int node, TimeSpan duration)
    {
        using RawClient client = RawClient.Connect(Port(node));
        string reply = client.Call("DEBUG", "GOSSIP-CUT", ((long)duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        if (reply != "+OK\r\n")
        {
            throw new InvalidOperationException($"DEBUG GOSSIP-CUT on node {node} answered {reply}");
        }
    }

    public Task RestartAsync(int node)
    {
        if (_nodes[node - 1] is not null)
        {
            Node(node).Kill();
            Retire(node);
        }
        return StartNodeAsync(node);
    }

    private void Retire(int node)
    {
        RunningNode? old = _nodes[node - 1];
        if (old is not null)
        {
            _pastOutput.Add($"--- node {node} (earlier process) ---\n{old.Output}");
            old.Dispose();
        }
        _nodes[node - 1] = null;
    }

    /// <summary>The running nodes that are not paused.</summary>
    public IEnumerable<int> Up => Nodes.Where(n => _nodes[n - 1] is not null && !_expectedDown[n - 1]);

    /// <summary>Waits until every node that is up sees every other one alive with its link up.</summary>
    public async Task WaitRecoveredAsync(TimeSpan deadline)
    {
        int[] up = [.. Up];
        var clock = Stopwatch.StartNew();
        var lastInfo = new Dictionary<int, string>();
        while (true)
        {
            bool all = true;
            foreach (int node in up)
            {
                string info = TryInfoGossip(node) ?? "";
                lastInfo[node] = info;
                GossipCounters counters = GossipCounters.Parse(info);
                all &= up.Where(n => n != node).All(n => counters.Peer(Name(n)) is { Alive: true, LinkUp: true });
            }
            if (all)
            {
                return;
            }
            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"the cluster did not recover within {deadline}:\n" +
                    string.Join("\n", lastInfo.Select(i => $"node {i.Key}: {i.Value}")) + "\n" + Logs);
            }
            await Task.Delay(20);
        }
    }

    public string? TryInfoGossip(int node)
    {
        try
        {
            using RawClient client = RawClient.Connect(Port(node));
            return client.Call("INFO", "gossip");
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or TimeoutException or OperationCanceledException)
        {
            return null;
        }
    }

    public GossipCounters Counters(int node) => GossipCounters.Parse(TryInfoGossip(node) ?? "");

    /// <summary>Resident memory of a running node, in bytes (VmRSS).</summary>
    public long Rss(int node)
    {
        string? line = File.ReadLines($"/proc/{Node(node).Pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Everything every node process printed, earlier processes included.</summary>
    public string Logs => string.Join("\n", _pastOutput.Concat(Nodes.Select(n => $"--- node {n} ---\n{_nodes[n - 1]?.Output}")));

    /// <summary>Nodes that ended without the test ending them (a crash).</summary>
    public IEnumerable<int> Crashed => Nodes.Where(n => _nodes[n - 1] is { HasExited: true });

    public ValueTask DisposeAsync()
    {
        for (int node = 1; node <= Size; node++)
        {
            _nodes[node - 1]?.Dispose();
            _nodes[node - 1] = null;
        }
        return ValueTask.CompletedTask;
    }
}
