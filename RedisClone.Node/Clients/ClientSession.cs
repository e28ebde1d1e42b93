using System.Net;
using RedisClone.Node.Commands;
using RedisClone.Node.PubSub;
using RedisClone.Node.Storage;

namespace RedisClone.Node.Clients;

/// <summary>The state Redis keeps per connection: database, protocol, auth, name, transaction and watches.</summary>
internal sealed class ClientSession : Subscriber, IWatcher
{
    private readonly Action _abort;

    public ClientSession(long id, EndPoint? remote, EndPoint? local, long fd, Action abort)
        : base(id, Format(remote))
    {
        LocalAddress = Format(local);
        (RemoteIp, RemotePort) = Split(remote);
        (LocalIp, LocalPort) = Split(local);
        Fd = fd;
        _abort = abort;
        ConnectedAt = Environment.TickCount64;
        LastInteraction = ConnectedAt;
    }

    public string RemoteIp { get; }
    public int RemotePort { get; }
    public string LocalIp { get; }
    public int LocalPort { get; }

    // Span tags take objects: boxed once per connection, not on every traced command.
    private object? _boxedRemotePort;
    private object? _boxedLocalPort;

    internal object BoxedRemotePort => _boxedRemotePort ??= RemotePort;
    internal object BoxedLocalPort => _boxedLocalPort ??= LocalPort;
    public string LocalAddress { get; }
    public long Fd { get; }
    public long ConnectedAt { get; }
    public long LastInteraction { get; set; }

    public int DbIndex { get; set; }

    /// <summary>Reply bytes waiting to be sent to this client, for CLIENT LIST's omem.</summary>
    public long PendingOutputBytes => Outbound?.PendingBytes ?? 0;
    public bool Authenticated { get; set; }
    public string? Name { get; set; }
    public string LibName { get; set; } = "";
    public string LibVersion { get; set; } = "";
    public string LastCommand { get; set; } = "NULL";

    /// <summary>Set by QUIT, protocol errors and CLIENT KILL: the connection closes once its replies are sent.</summary>
    public bool CloseAfterReply { get; set; }

    /// <summary>
    /// Redis's CLIENT_CLOSE_ASAP: the connection is closed without sending the replies still unsent (a cross-protocol
    /// attack). Also sets <see cref="CloseAfterReply"/>, so no further command of the read runs.
    /// </summary>
    public bool CloseAsap { get; private set; }

    public void MarkCloseAsap()
    {
        CloseAsap = true;
        CloseAfterReply = true;
    }

    /// <summary>
    /// Bytes in the receive buffer, for CLIENT LIST's qbuf: while a batch runs, all it started with (the running
    /// command's included, as in Redis's query buffer); between batches, an unfinished command's bytes.
    /// </summary>
    public long QueryBufferLength { get; set; }

    // CLIENT REPLY: Redis's CLIENT_REPLY_OFF, CLIENT_REPLY_SKIP_NEXT (set by SKIP) and CLIENT_REPLY_SKIP (this command's
    // reply is dropped).
    private bool _repliesOff;
    private bool _skipNext;
    private bool _skipping;

    /// <summary>True while CLIENT REPLY has changed anything: only then does <see cref="CommandProcessed"/> need calling.</summary>
    public bool ReplyControlled { get; private set; }

    public void RepliesOn()
    {
        _repliesOff = _skipNext = _skipping = false;
        ReplyControlled = false;
        Reply.Muted = false;
    }

    public void RepliesOff()
    {
        _repliesOff = true;
        ReplyControlled = true;
        Reply.Muted = true;
    }

    /// <summary>CLIENT REPLY SKIP: the next command's reply is dropped (nothing changes while replies are off).</summary>
    public void SkipNextReply()
    {
        if (!_repliesOff)
        {
            _skipNext = true;
            ReplyControlled = true;
        }
    }

    /// <summary>After each command, as Redis's resetClient: a requested skip applies to the next command only.</summary>
    public void CommandProcessed()
    {
        _skipping = _skipNext;
        _skipNext = false;
        ReplyControlled = _repliesOff || _skipping;
        Reply.Muted = ReplyControlled;
    }

    /// <summary>The wait this client is blocked in (BLPOP and friends), until it is served, times out or is unblocked.</summary>
    public ClientWait? Blocked { get; set; }

    /// <summary>In MONITOR mode (set and cleared by <see cref="MonitorFeed"/>, under the keyspace lock).</summary>
    public bool IsMonitor { get; set; }

    // MULTI / EXEC state.
    public List<byte[][]>? Queued { get; private set; }
    public bool InMulti => Queued is not null;
    public bool TransactionFailed { get; set; }
    public bool WatchedKeyTouched { get; private set; }
    private readonly List<(Database Db, WatchedKey Watch)> _watched = [];
    public int WatchedCount => _watched.Count;

    public void BeginMulti()
    {
        Queued = [];
        TransactionFailed = false;
    }

    public void EndMulti()
    {
        Queued = null;
        TransactionFailed = false;
    }

    public void Watch(Database db, byte[] key)
    {
        foreach ((Database d, WatchedKey w) in _watched)
        {
            if (d == db && w.Key.AsSpan().SequenceEqual(key))
            {
                return;
            }
        }
        _watched.Add((db, db.Watch(key, this)));
    }

    public void UnwatchAll()
    {
        foreach ((Database db, WatchedKey watch) in _watched)
        {
            db.Unwatch(watch);
        }
        _watched.Clear();
        WatchedKeyTouched = false;
    }

    public void WatchedKeyModified() => WatchedKeyTouched = true;

    /// <summary>Redis 7 also fails EXEC when a watched key has expired since WATCH (not one that had already expired then).</summary>
    public bool AnyWatchedKeyExpired()
    {
        foreach ((Database db, WatchedKey watch) in _watched)
        {
            // Lookup removes a due key, which reports it as modified unless it was already expired at WATCH time.
            db.Lookup(watch.Key, touch: false);
        }
        return WatchedKeyTouched;
    }

    public override void Kill()
    {
        CloseAfterReply = true;
        _abort();
    }

    /// <summary>CLIENT KILL: another client is closed now; the killing client itself once its reply is sent.</summary>
    public void Kill(ClientSession killer)
    {
        if (killer == this)
        {
            CloseAfterReply = true;
        }
        else
        {
            Kill();
        }
    }

    /// <summary>CLIENT LIST's multi-mem, as Redis counts it: each queued command's argument bytes and argv pointers.</summary>
    public long QueuedBytes
    {
        get
        {
            long bytes = 0;
            foreach (byte[][] command in Queued ?? [])
            {
                bytes += command.Length * (long)IntPtr.Size;
                foreach (byte[] argument in command)
                {
                    bytes += argument.Length;
                }
            }
            return bytes;
        }
    }

    public string Flags
    {
        get
        {
            // Redis's order: O (monitor), P (subscribed), x (in MULTI), b (blocked), d (watched key touched).
            string flags = IsMonitor ? "O" : "";
            if (SubscriptionCount > 0)
            {
                flags += "P";
            }
            if (InMulti)
            {
                flags += "x";
            }
            if (Blocked is { IsDone: false })
            {
                flags += "b";
            }
            if (WatchedKeyTouched)
            {
                flags += "d";
            }
            return flags.Length == 0 ? "N" : flags;
        }
    }

    private static (string Ip, int Port) Split(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint ip when ip.Address.IsIPv4MappedToIPv6 => (ip.Address.MapToIPv4().ToString(), ip.Port),
        IPEndPoint ip => (ip.Address.ToString(), ip.Port),
        _ => ("", 0),
    };

    private static string Format(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint ip when ip.Address.IsIPv4MappedToIPv6 => $"{ip.Address.MapToIPv4()}:{ip.Port}",
        IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        null => "",
        _ => endPoint.ToString() ?? "",
    };
}
