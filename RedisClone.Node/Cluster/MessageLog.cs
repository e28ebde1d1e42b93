using Google.Protobuf;
using RedisClone.Node.Cluster.Protocol;

namespace RedisClone.Node.Cluster;

/// <summary>
/// The messages one node has for one peer, numbered 1, 2, 3, ... for that peer's current incarnation. It is both the
/// send queue and the replay buffer: a message stays until the peer acknowledges it, or until it falls out of the
/// replay window (count, bytes, or age once sent), whichever comes first. So a link that drops for less than the window loses
/// nothing (the peer resumes after the last sequence it saw), and a slow or absent peer costs bounded memory.
/// Every matching message gets a number, even while the peer is dead (the log then keeps none): so whatever the
/// timing of death and return, the peer sees the hole in the numbers and nothing is lost without being counted.
/// </summary>
internal sealed class MessageLog
{
    private readonly Lock _sync = new();
    // Sequences in the log are contiguous, so entry i holds sequence FirstSequence + i: a resume point is an index.
    private readonly List<Entry> _entries = [];
    private int _head;
    private readonly int _maxMessages;
    private readonly long _maxBytes;
    private readonly long _maxAgeMs;
    private ulong _lastSequence;
    private ulong _handedOut;
    private ulong _acknowledged;
    private long _bytes;
    private volatile bool _discarding;
    private long _evicted;
    private long _dropped;

    // The unsent entries each larger than every unsent entry after it, oldest first, so the first is the largest
    // unsent message (a sliding-window maximum). Stale entries (sent or gone) sit at the front and are skipped lazily.
    private readonly List<(ulong Sequence, int Size)> _largestUnsent = [];
    private int _largestHead;

    // Size is the message's channel and payload bytes; the window also counts a fixed overhead per message.
    private readonly record struct Entry(Message Message, long EnqueuedAt, int Size);

    private const int EntryOverhead = 32;

    public MessageLog(int maxMessages, long maxBytes, long maxAgeMs)
    {
        _maxMessages = maxMessages;
        _maxBytes = maxBytes;
        _maxAgeMs = maxAgeMs;
    }

    /// <summary>Messages sent at least once, then dropped unacknowledged because they fell out of the window.</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    /// <summary>Messages numbered for the peer but never sent: window overflow while the link was down, the peer dead, the peer restarted.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Changes when the peer restarts: acknowledgements from a connection to its previous life are ignored.</summary>
    public int Epoch { get; private set; }

    /// <summary>True while the peer is dead: messages are numbered and counted as dropped, not kept (read without the lock).</summary>
    public bool Discarding => _discarding;

    public int Count
    {
        get
        {
            lock (_sync)
            {
                return _entries.Count - _head;
            }
        }
    }

    public ulong LastSequence
    {
        get
        {
            lock (_sync)
            {
                return _lastSequence;
            }
        }
    }

    public ulong Acknowledged
    {
        get
        {
            lock (_sync)
            {
                return _acknowledged;
            }
        }
    }

    public void Append(Message.Types.Kind kind, ByteString channel, ByteString payload, string traceParent, string traceState)
    {
        long now = Environment.TickCount64;
        lock (_sync)
        {
            if (_discarding)
            {
                _lastSequence++;
                _dropped++;
                return;
            }
            var message = new Message { Sequence = ++_lastSequence, Kind = kind, Channel = channel, Payload = payload, Traceparent = traceParent, Tracestate = traceState };
            int size = (int)Math.Min(int.MaxValue - EntryOverhead, (long)channel.Length + payload.Length);
            _entries.Add(new Entry(message, now, size));
            _bytes += size + EntryOverhead;
            while (_largestUnsent.Count > _largestHead && _largestUnsent[^1].Size <= size)
            {
                _largestUnsent.RemoveAt(_largestUnsent.Count - 1);
            }
            _largestUnsent.Add((message.Sequence, size));
            TrimWindow(now);
        }
    }

    /// <summary>Numbers a message for a dead peer without materialising it; false when the peer is no longer dead.</summary>
    public bool TrySkip()
    {
        lock (_sync)
        {
            if (!_discarding)
            {
                return false;
            }
            _lastSequence++;
            _dropped++;
            return true;
        }
    }

    /// <summary>Forgets what the peer has acknowledged (on a connection of the current epoch).</summary>
    public void Acknowledge(ulong sequence, int epoch)
    {
        lock (_sync)
        {
            if (epoch != Epoch || sequence > _lastSequence)
            {
                return;
            }
            _acknowledged = Math.Max(_acknowledged, sequence);
            while (_head < _entries.Count && _entries[_head].Message.Sequence <= sequence)
            {
                RemoveFirst();
            }
        }
    }

    /// <summary>
    /// Copies messages after <paramref name="afterSequence"/> into <paramref name="batch"/>: up to
    /// <paramref name="max"/> of them and about <paramref name="maxBytes"/>; a message of <paramref name="partBytes"/>
    /// or more (channel and payload) is returned alone: it goes in parts. Returns how many were copied.
    /// </summary>
    public int CopyAfter(ulong afterSequence, MessageBatch batch, int max, int maxBytes, int partBytes)
    {
        lock (_sync)
        {
            TrimWindow(Environment.TickCount64);
            if (_head == _entries.Count)
            {
                return 0;
            }
            ulong first = _entries[_head].Message.Sequence;
            int index = afterSequence < first ? _head : _head + (int)Math.Min(int.MaxValue, afterSequence - first + 1);
            int copied = 0;
            long bytes = 0;
            for (; index < _entries.Count && copied < max && bytes < maxBytes; index++)
            {
                Entry entry = _entries[index];
                if (entry.Size >= partBytes && copied > 0)
                {
                    break;
                }
                batch.Messages.Add(entry.Message);
                copied++;
                bytes += entry.Size;
                _handedOut = Math.Max(_handedOut, entry.Message.Sequence);
                if (entry.Size >= partBytes)
                {
                    break;
                }
            }
            return copied;
        }
    }

    /// <summary>
    /// A connection was welcomed by the peer, which has everything up to <paramref name="lastReceived"/>: numbering
    /// for a dead peer ends, and the sequences the peer will never get (gone from the log) are returned, if any.
    /// </summary>
    public (ulong First, ulong Last)? Resume(ulong lastReceived)
    {
        lock (_sync)
        {
            _discarding = false;
            TrimWindow(Environment.TickCount64);
            ulong firstAvailable = _head < _entries.Count ? _entries[_head].Message.Sequence : _lastSequence + 1;
            _acknowledged = Math.Max(_acknowledged, Math.Min(lastReceived, _lastSequence));
            while (_head < _entries.Count && _entries[_head].Message.Sequence <= lastReceived)
            {
                RemoveFirst();
            }
            return firstAvailable > lastReceived + 1 ? (lastReceived + 1, firstAvailable - 1) : null;
        }
    }

    /// <summary>Starts over for a new incarnation of the peer: what was queued for its previous life is dropped.</summary>
    public void Reset()
    {
        lock (_sync)
        {
            DropAll();
            _lastSequence = 0;
            _handedOut = 0;
            _acknowledged = 0;
            _discarding = false;
            Epoch++;
        }
    }

    /// <summary>The peer is dead (nobody will ask for a replay soon): drop what is queued, number and drop what follows.</summary>
    public void Discard()
    {
        lock (_sync)
        {
            DropAll();
            _discarding = true;
        }
    }

    private void DropAll()
    {
        while (_head < _entries.Count)
        {
            CountRemoval(_entries[_head].Message.Sequence);
            RemoveFirst();
        }
        ClearLargestUnsent();
    }

    // The largest message not yet sent does not count against the byte bound: a message bigger than the whole window
    // is still sent, whether others arrive behind it before the sender takes it or it arrives behind unsent small ones
    // (which it must not push out), and memory per peer stays at most the window plus one message. A link down long
    // enough still loses it to the count or age bound, counted.
    private void TrimWindow(long now)
    {
        while (_head < _entries.Count
            && (_entries.Count - _head > _maxMessages || _bytes - LargestUnsentBytes() > _maxBytes || SentAndOld(_entries[_head], now)))
        {
            CountRemoval(_entries[_head].Message.Sequence);
            RemoveFirst();
        }
    }

    // Age bounds the replay copies only: a message not sent yet is waiting its turn behind others (a 64 MB transfer on a
    // loaded machine can take longer than the window), and dropping it would lose it on a healthy link. The count and
    // byte bounds still cap what waits, and a dead peer's log is discarded.
    private bool SentAndOld(Entry entry, long now) => entry.Message.Sequence <= _handedOut && now - entry.EnqueuedAt > _maxAgeMs;

    private long LargestUnsentBytes()
    {
        ulong firstKept = _entries[_head].Message.Sequence;
        while (_largestHead < _largestUnsent.Count
            && (_largestUnsent[_largestHead].Sequence <= _handedOut || _largestUnsent[_largestHead].Sequence < firstKept))
        {
            _largestHead++;
        }
        if (_largestHead == _largestUnsent.Count)
        {
            ClearLargestUnsent();
            return 0;
        }
        if (_largestHead > 1024 && _largestHead > _largestUnsent.Count / 2)
        {
            _largestUnsent.RemoveRange(0, _largestHead);
            _largestHead = 0;
        }
        return _largestUnsent[_largestHead].Size + EntryOverhead;
    }

    private void ClearLargestUnsent()
    {
        _largestUnsent.Clear();
        _largestHead = 0;
    }

    private void CountRemoval(ulong sequence)
    {
        if (sequence > _handedOut)
        {
            _dropped++;
        }
        else
        {
            _evicted++;
        }
    }

    private void RemoveFirst()
    {
        _bytes -= _entries[_head].Size + EntryOverhead;
        _entries[_head] = default;
        _head++;
        if (_head == _entries.Count)
        {
            _entries.Clear();
            _head = 0;
        }
        else if (_head > 1024 && _head > _entries.Count / 2)
        {
            _entries.RemoveRange(0, _head); // amortised: the dead prefix is at least half the list
            _head = 0;
        }
    }
}
