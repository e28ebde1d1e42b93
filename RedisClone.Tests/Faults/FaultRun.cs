using System.Diagnostics;
using System.Text;

namespace RedisClone.Tests.Faults;

public enum FaultKind
{
    /// <summary>SIGKILL, restarted after the hold.</summary>
    Kill,
    /// <summary>SIGTERM, restarted after the hold.</summary>
    Terminate,
    /// <summary>SIGSTOP, SIGCONT after the hold.</summary>
    Pause,
    /// <summary>DEBUG GOSSIP-CUT for the hold.</summary>
    Cut,
}

/// <summary>What one fault step saw.</summary>
public sealed record StepReport(FaultKind Kind, int Node, TimeSpan Hold, long Checked, long LostCounted, long LostWithKilledNode,
    long PublishedBeforeLinked, long MissedWhileReconnecting, long MaxRss, TimeSpan? TerminateTook, List<string> Violations)
{
    public override string ToString() =>
        $"{Kind,-9} node {Node} for {Hold.TotalSeconds,4:0.0} s: checked {Checked}, lost+counted {LostCounted}, lost with killed node {LostWithKilledNode}, " +
        $"published before linked {PublishedBeforeLinked}, " +
        $"missed while reconnecting {MissedWhileReconnecting}, max RSS {MaxRss / (1024 * 1024)} MB" +
        (TerminateTook is { } t ? $", SIGTERM exit {t.TotalSeconds:0.00} s" : "") +
        (Violations.Count > 0 ? "\n  VIOLATIONS:\n  " + string.Join("\n  ", Violations) : "");
}

/// <summary>
/// A verified publishing workload (a publisher and a subscriber on every node) running while a fault schedule runs,
/// with the cluster's promises checked around each fault:
/// - before a fault, every confirmed message since the last check reached every subscriber, exactly once, in order;
/// - after it, once the cluster is linked again and each subscriber has a message from each publisher published
///   after recovery, the same holds from there on;
/// - what went missing in between is counted by the nodes (the sender's dropped for that peer plus the receiver's
///   replay_gaps from it), unless the publisher's node was killed (its unsent messages die with it), the
///   subscriber's own connection broke, or the publisher's node had just restarted and was not linked yet (it knew
///   no remote subscriber); a SIGTERMed node first delivers everything it confirmed;
/// - no duplicate ever; every node up answers PING within 1 s; no node crashed or logged an unhandled exception;
///   gossip_faults stays 0; RSS stays under the bound; SIGTERM ends a node within 10 s.
/// </summary>
public sealed class FaultRun : IAsyncDisposable
{
    private readonly FaultCluster _cluster;
    private readonly List<VerifiedPublisher> _publishers;
    private readonly List<VerifiedSubscriber> _subscribers;
    private readonly Dictionary<(int Publisher, int Subscriber), long> _strictFrom = [];
    private readonly long _rssBound;

    public FaultRun(FaultCluster cluster, int perSecond, long rssBound, Func<int, Func<long, int>?>? padding = null)
    {
        _cluster = cluster;
        _rssBound = rssBound;
        _subscribers = [.. cluster.Nodes.Select(n => new VerifiedSubscriber(n, () => cluster.Port(n)))];
        _publishers = [.. cluster.Nodes.Select(n => new VerifiedPublisher(n, () => cluster.Port(n), perSecond, padding?.Invoke(n)))];
    }

    public List<StepReport> Reports { get; } = [];

    public IReadOnlyList<VerifiedSubscriber> Subscribers => _subscribers;

    public IReadOnlyList<VerifiedPublisher> Publishers => _publishers;

    /// <summary>Waits until every subscriber is subscribed and has heard from every publisher; strict checking starts there.</summary>
    public async Task StartAsync()
    {
        await WaitAsync(() => _subscribers.All(s => s.Subscribed), "every subscriber to subscribe", TimeSpan.FromSeconds(30));
        Dictionary<(int, int), long> sync = await ResyncAsync();
        foreach (((int p, int s), long from) in sync)
        {
            _strictFrom[(p, s)] = from;
        }
    }

    /// <summary>Runs one fault: checks before, injects, holds, recovers, checks after. Returns the step's report.</summary>
    public async Task<StepReport> StepAsync(FaultKind kind, int node, TimeSpan hold)
    {
        var violations = new List<string>();
        Dictionary<int, long> barrier = await BarrierAsync(violations);
        Dictionary<int, GossipCounters> before = _cluster.Up.ToDictionary(n => n, _cluster.Counters);
        Dictionary<int, int> lossesBefore = _subscribers.ToDictionary(s => s.Node, s => s.ConnectionLosses);
        long maxRss = _cluster.Up.Max(_cluster.Rss);
        TimeSpan? terminateTook = null;
        long confirmedByStoppedNode = long.MaxValue; // the last sequence the process that stopped confirmed

        switch (kind)
        {
            case FaultKind.Kill:
                _cluster.Kill(node);
                confirmedByStoppedNode = _publishers[node - 1].LastConfirmed;
                await Task.Delay(hold);
                await _cluster.RestartAsync(node);
                break;
            case FaultKind.Terminate:
                terminateTook = _cluster.Terminate(node);
                confirmedByStoppedNode = _publishers[node - 1].LastConfirmed;
                if (terminateTook > TimeSpan.FromSeconds(10))
                {
                    violations.Add($"SIGTERM took {terminateTook.Value.TotalSeconds:0.0} s to stop node {node} (bound: 10 s)");
                }
                await Task.Delay(hold);
                await _cluster.RestartAsync(node);
                break;
            case FaultKind.Pause:
                _cluster.Pause(node);
                await Task.Delay(hold);
                _cluster.Resume(node);
                break;
            case FaultKind.Cut:
                _cluster.CutLinks(node, hold);
                await Task.Delay(hold);
                break;
        }
        maxRss = Math.Max(maxRss, _cluster.Up.Max(_cluster.Rss));
        await _cluster.WaitRecoveredAsync(TimeSpan.FromSeconds(60));
        Dictionary<(int, int), long> sync = await ResyncAsync();
        Dictionary<int, GossipCounters> after = _cluster.Up.ToDictionary(n => n, _cluster.Counters);
        maxRss = Math.Max(maxRss, _cluster.Up.Max(_cluster.Rss));

        long checkedCount = 0, counted = 0, withKilled = 0, reconnecting = 0, beforeLinked = 0;
        foreach (VerifiedPublisher publisher in _publishers)
        {
            foreach (VerifiedSubscriber subscriber in _subscribers)
            {
                (int p, int s) = (publisher.Node, subscriber.Node);
                long syncFrom = sync[(p, s)];
                List<long> missing = publisher.ConfirmedBetween(barrier[p] + 1, syncFrom - 1).Where(seq => !subscriber.Has(p, seq)).ToList();
                checkedCount += publisher.ConfirmedBetween(_strictFrom.GetValueOrDefault((p, s), 1), syncFrom - 1).Count;
                _strictFrom[(p, s)] = syncFrom;
                if (missing.Count == 0)
                {
                    continue;
                }
                bool reconnected = subscriber.ConnectionLosses != lossesBefore[s];
                if (reconnected)
                {
                    reconnecting += missing.Count;
                }
                else if (node == p && kind is FaultKind.Kill or FaultKind.Terminate)
                {
                    // Confirmed by the restarted node before its links were up: it knew no remote subscriber yet.
                    beforeLinked += missing.Count(seq => seq > confirmedByStoppedNode);
                    List<long> byStopped = [.. missing.Where(seq => seq <= confirmedByStoppedNode)];
                    if (kind == FaultKind.Kill)
                    {
                        withKilled += byStopped.Count;
                    }
                    else if (byStopped.Count > 0)
                    {
                        // A SIGTERMed node closes its clients first, then hands everything it confirmed to its peers.
                        violations.Add($"{byStopped.Count} message(s) node {p} confirmed before it stopped on SIGTERM never reached node {s} (first {p}:{byStopped[0]})");
                    }
                }
                else
                {
                    long nodeCounted = Delta(before, after, p, s, c => c.Dropped) + Delta(before, after, s, p, c => c.ReplayGaps);
                    if (missing.Count > nodeCounted || p == s)
                    {
                        violations.Add($"{missing.Count} message(s) from node {p} never reached node {s} but the nodes counted {nodeCounted} (first {p}:{missing[0]})");
                    }
                    counted += missing.Count;
                }
            }
        }
        violations.AddRange(CheckAlways(maxRss));
        var report = new StepReport(kind, node, hold, checkedCount, counted, withKilled, beforeLinked, reconnecting, maxRss, terminateTook, violations);
        Reports.Add(report);
        return report;
    }

    /// <summary>After the last step: everything confirmed since the last resync arrived, and the standing checks hold.</summary>
    public async Task<List<string>> FinishAsync()
    {
        var violations = new List<string>();
        await BarrierAsync(violations);
        violations.AddRange(CheckAlways(_cluster.Up.Max(_cluster.Rss)));
        return violations;
    }

    // Sender side: the publisher node's dropped for the subscriber node; receiver side: the subscriber node's
    // replay_gaps from the publisher node. Counters of a node that restarted start again from zero.
    private static long Delta(Dictionary<int, GossipCounters> before, Dictionary<int, GossipCounters> after, int node, int peer, Func<PeerCounters, long> read)
    {
        if (!after.TryGetValue(node, out GossipCounters? now) || now.Peer(FaultCluster.Name(peer)) is not { } current)
        {
            return 0;
        }
        long earlier = before.TryGetValue(node, out GossipCounters? then) && then.Peer(FaultCluster.Name(peer)) is { } old ? read(old) : 0;
        return Math.Max(0, read(current) - earlier);
    }

    /// <summary>Checks every confirmed message since the last check arrived, waiting for the ones still on their way.</summary>
    private async Task<Dictionary<int, long>> BarrierAsync(List<string> violations)
    {
        Dictionary<int, long> barrier = _publishers.ToDictionary(p => p.Node, p => p.LastConfirmed);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var missing = new List<string>();
            foreach (VerifiedPublisher publisher in _publishers)
            {
                foreach (VerifiedSubscriber subscriber in _subscribers)
                {
                    long from = _strictFrom.GetValueOrDefault((publisher.Node, subscriber.Node), long.MaxValue);
                    List<long> lost = publisher.ConfirmedBetween(from, barrier[publisher.Node]).Where(seq => !subscriber.Has(publisher.Node, seq)).ToList();
                    if (lost.Count > 0)
                    {
                        missing.Add($"{lost.Count} confirmed message(s) from node {publisher.Node} missing at node {subscriber.Node} while both were up and linked (first {publisher.Node}:{lost[0]})");
                    }
                }
            }
            if (missing.Count == 0)
            {
                return barrier;
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                violations.AddRange(missing);
                return barrier;
            }
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// After recovery: each subscriber's first message from each publisher sent after this moment. Everything
    /// confirmed from there on must arrive (the routes are in place again).
    /// </summary>
    private async Task<Dictionary<(int, int), long>> ResyncAsync()
    {
        Dictionary<int, long> startAt = _publishers.ToDictionary(p => p.Node, p => p.NextSequence);
        var sync = new Dictionary<(int, int), long>();
        await WaitAsync(() =>
        {
            foreach (VerifiedPublisher publisher in _publishers)
            {
                foreach (VerifiedSubscriber subscriber in _subscribers)
                {
                    if (!sync.ContainsKey((publisher.Node, subscriber.Node)) && subscriber.FirstAtOrAbove(publisher.Node, startAt[publisher.Node]) is long first)
                    {
                        sync[(publisher.Node, subscriber.Node)] = first;
                    }
                }
            }
            return sync.Count == _publishers.Count * _subscribers.Count;
        }, "every subscriber to hear from every publisher after recovery", TimeSpan.FromSeconds(30));
        return sync;
    }

    private List<string> CheckAlways(long maxRss)
    {
        var violations = new List<string>();
        foreach (int node in _cluster.Crashed)
        {
            violations.Add($"node {node} exited by itself");
        }
        foreach (int node in _cluster.Up)
        {
            if (!AnswersPing(_cluster.Port(node)))
            {
                violations.Add($"node {node} did not answer PING within 1 s");
            }
            if (_cluster.Counters(node).Total("gossip_faults") is long faults and > 0)
            {
                violations.Add($"node {node} counted {faults} gossip fault(s)");
            }
        }
        if (_cluster.Logs.Contains("Unhandled exception", StringComparison.Ordinal))
        {
            violations.Add("a node logged an unhandled exception");
        }
        if (maxRss > _rssBound)
        {
            violations.Add($"a node's RSS reached {maxRss / (1024 * 1024)} MB (bound {_rssBound / (1024 * 1024)} MB)");
        }
        foreach (VerifiedSubscriber subscriber in _subscribers)
        {
            violations.AddRange(subscriber.Duplicates());
            foreach ((int publisher, long sequence) in subscriber.LateArrivals())
            {
                if (_publishers[publisher - 1].IsConfirmed(sequence))
                {
                    violations.Add($"node {subscriber.Node} got {publisher}:{sequence} after a later message of that publisher");
                }
            }
        }
        return violations;
    }

    private static bool AnswersPing(int port)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            if (!client.ConnectAsync("127.0.0.1", port).Wait(TimeSpan.FromSeconds(1)))
            {
                return false;
            }
            client.ReceiveTimeout = 1000;
            System.Net.Sockets.NetworkStream stream = client.GetStream();
            stream.Write("*1\r\n$4\r\nPING\r\n"u8);
            byte[] reply = new byte[7];
            stream.ReadExactly(reply);
            return reply.AsSpan().SequenceEqual("+PONG\r\n"u8);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or AggregateException)
        {
            return false;
        }
    }

    private static async Task WaitAsync(Func<bool> condition, string what, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"timed out after {deadline} waiting for {what}");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>Every step's line, for the test output and the failure message.</summary>
    public string Summary()
    {
        var text = new StringBuilder();
        foreach (StepReport report in Reports)
        {
            text.AppendLine(report.ToString());
        }
        text.Append("publishers: ").AppendJoin(", ", _publishers.Select(p => $"n{p.Node} next {p.NextSequence} unconfirmed {p.Unconfirmed} errors {p.ErrorReplies}")).AppendLine();
        text.Append("subscribers: ").AppendJoin(", ", _subscribers.Select(s => $"n{s.Node} messages {s.Messages} reconnects {s.ConnectionLosses}"));
        return text.ToString();
    }

    public ValueTask DisposeAsync()
    {
        foreach (VerifiedPublisher publisher in _publishers)
        {
            publisher.Dispose();
        }
        foreach (VerifiedSubscriber subscriber in _subscribers)
        {
            subscriber.Dispose();
        }
        return ValueTask.CompletedTask;
    }
}
