using RedisClone.Node.Clients;
using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;

namespace RedisClone.Node.Commands.Blocking;

/// <summary>
/// Clients blocked on keys, keyed by database and key, served first come first served when a key becomes ready
/// (Redis's blocking_keys and ready_keys). Everything but the timer callback runs under the keyspace lock.
/// A blocked client costs no thread: its connection awaits <see cref="BlockedRequest.IsDone"/> and is woken through
/// <see cref="ClientSession.Wake"/>; timeouts come from one timer set to the earliest deadline.
/// </summary>
internal sealed class BlockingRegistry : IKeyReadyListener
{
    private readonly Keyspace _keyspace;
    private readonly Dictionary<byte[], LinkedList<BlockedRequest>>[] _waiters;
    private List<(Database Db, byte[] Key)> _ready = [];
    private List<(Database Db, byte[] Key)> _serving = [];
    private PriorityQueue<BlockedRequest, long> _deadlines = new();
    private readonly ITimer _timer;
    private long _timerDue = long.MaxValue;
    private int _blockedKeyCount;

    public BlockingRegistry(Keyspace keyspace, int databases)
    {
        _keyspace = keyspace;
        _waiters = new Dictionary<byte[], LinkedList<BlockedRequest>>[databases];
        for (int i = 0; i < databases; i++)
        {
            _waiters[i] = new Dictionary<byte[], LinkedList<BlockedRequest>>(ByteArrayComparer.Instance);
        }
        _timer = TimeProvider.System.CreateTimer(_ => ExpireDue(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Clients blocked now, for INFO's blocked_clients.</summary>
    public int BlockedClients { get; private set; }

    /// <summary>Whether any client waits on a key (the check every write makes, so it must be cheap).</summary>
    public bool Any => _blockedKeyCount > 0;

    public bool HasReady => _ready.Count > 0;

    /// <summary>
    /// Blocks <paramref name="request"/>'s client until one of its keys can serve it, <paramref name="timeoutMs"/>
    /// passes (0: never) or it is unblocked. The client's connection stops running its commands until then.
    /// </summary>
    public void Block(BlockedRequest request, long timeoutMs)
    {
        Dictionary<byte[], LinkedList<BlockedRequest>> waiters = _waiters[request.Db.Index];
        foreach (byte[] key in request.Keys)
        {
            if (!waiters.TryGetValue(key, out LinkedList<BlockedRequest>? queue))
            {
                queue = new LinkedList<BlockedRequest>();
                waiters[key] = queue;
                _blockedKeyCount++;
            }
            queue.AddLast(request);
        }
        request.Client.Blocked = request;
        BlockedClients++;
        if (timeoutMs > 0)
        {
            long now = Environment.TickCount64;
            request.DeadlineTicks = timeoutMs > long.MaxValue - now ? long.MaxValue : now + timeoutMs;
            _deadlines.Enqueue(request, request.DeadlineTicks);
            if (_deadlines.Count > 2 * BlockedClients + 1024)
            {
                // Served requests stay in the heap until their deadline surfaces: drop them once they dominate it.
                var live = new PriorityQueue<BlockedRequest, long>();
                foreach ((BlockedRequest pending, long due) in _deadlines.UnorderedItems)
                {
                    if (!pending.IsDone)
                    {
                        live.Enqueue(pending, due);
                    }
                }
                _deadlines = live;
            }
            if (request.DeadlineTicks < _timerDue)
            {
                Arm(request.DeadlineTicks, now);
            }
        }
    }

    /// <summary>Records that <paramref name="key"/> may now serve waiters (a push, a key created by RENAME, MOVE...).</summary>
    public void KeyReady(Database db, ReadOnlySpan<byte> key)
    {
        if (!_waiters[db.Index].GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out byte[]? stored, out _))
        {
            return;
        }
        foreach ((Database readyDb, byte[] readyKey) in _ready)
        {
            if (readyDb == db && ReferenceEquals(readyKey, stored))
            {
                return;
            }
        }
        _ready.Add((db, stored));
    }

    /// <summary>Readies every key of <paramref name="db"/> that clients wait on and that holds a value now (SWAPDB).</summary>
    public void SignalStoredKeys(Database db)
    {
        foreach (byte[] key in _waiters[db.Index].Keys)
        {
            if (db.Exists(key))
            {
                KeyReady(db, key);
            }
        }
    }

    /// <summary>
    /// Serves the clients waiting on the keys that became ready, in the order they blocked, once the command (or the
    /// whole EXEC) that readied them is done, as Redis's handleClientsBlockedOnKeys. Serving may ready more keys
    /// (BLMOVE pushes), which are served in turn.
    /// </summary>
    public void ServeReady()
    {
        while (_ready.Count > 0)
        {
            (_ready, _serving) = (_serving, _ready);
            foreach ((Database db, byte[] key) in _serving)
            {
                if (!_waiters[db.Index].TryGetValue(key, out LinkedList<BlockedRequest>? queue))
                {
                    continue;
                }
                // Serving removes requests from the queue: walk a copy, in blocking order.
                foreach (BlockedRequest request in queue.ToArray())
                {
                    if (request.IsDone || !request.TryServe(db, key))
                    {
                        continue;
                    }
                    Finish(request);
                }
            }
            _serving.Clear();
        }
    }

    /// <summary>CLIENT UNBLOCK: ends the wait with the timeout reply or an UNBLOCKED error; false when not blocked.</summary>
    public bool Unblock(ClientSession client, bool withError)
    {
        if (client.Blocked is not BlockedRequest { IsDone: false } request)
        {
            return false;
        }
        if (withError)
        {
            request.Reply.WriteError(RespLiterals.UnblockedByClientUnblock);
        }
        else
        {
            request.WriteTimeout(request.Reply);
        }
        Finish(request);
        return true;
    }

    /// <summary>The client went away while blocked: forget it, nothing is answered.</summary>
    public void Cancel(ClientSession client)
    {
        if (client.Blocked is BlockedRequest { IsDone: false } request)
        {
            Remove(request);
            request.MarkDone();
        }
        client.Blocked = null;
    }

    private void Finish(BlockedRequest request)
    {
        Remove(request);
        request.MarkDone();
        request.Client.Wake();
    }

    private void Remove(BlockedRequest request)
    {
        Dictionary<byte[], LinkedList<BlockedRequest>> waiters = _waiters[request.Db.Index];
        foreach (byte[] key in request.Keys)
        {
            if (waiters.TryGetValue(key, out LinkedList<BlockedRequest>? queue))
            {
                queue.Remove(request);
                if (queue.Count == 0)
                {
                    waiters.Remove(key);
                    _blockedKeyCount--;
                }
            }
        }
        BlockedClients--;
    }

    private void Arm(long dueTicks, long now)
    {
        _timerDue = dueTicks;
        _timer.Change(TimeSpan.FromMilliseconds(Math.Clamp(dueTicks - now, 0, int.MaxValue - 1)), Timeout.InfiniteTimeSpan);
    }

    /// <summary>The timer: answers every request whose deadline passed, then sets the timer for the next one.</summary>
    private void ExpireDue()
    {
        lock (_keyspace.Sync)
        {
            long now = Environment.TickCount64;
            _timerDue = long.MaxValue;
            while (_deadlines.TryPeek(out BlockedRequest? request, out long due))
            {
                if (request.IsDone)
                {
                    _deadlines.Dequeue();
                    continue;
                }
                if (due > now)
                {
                    Arm(due, now);
                    break;
                }
                _deadlines.Dequeue();
                request.WriteTimeout(request.Reply);
                Finish(request);
            }
        }
    }
}
