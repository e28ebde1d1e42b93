using Google.Protobuf;
using RedisClone.Node.Cluster.Protocol;

namespace RedisClone.Node.Cluster;

/// <summary>
/// The messages one node has for one peer, numbered 1, 2, 3, ... for that peer's current incarnation. It is both the
/// send queue and the replay buffer: a message stays until the peer acknowledges it, or until it falls out of the
/// replay window (count, bytes or age), whichever comes first. So a link that drops for less than the window loses
/// nothing (the peer resumes after the last sequence it saw), and a slow or absent peer costs bounded memory.
/// </summary>
public sealed class MessageLog
{
    private readonly Lock _sync = new();
    // Sequences in the log are contiguous, so entry i holds sequence FirstSequence + i: a resume point is an index.
    private readonly List<Entry> _entries = [];
    private int _head;
    private readonly int _maxMessages;
    private readonly long _maxBytes;
    private readonly long _maxAgeMs;
    private ulong _lastSequence;
    private long _bytes;

    private readonly record struct Entry(Message Message, long EnqueuedAt, int Size);

    public MessageLog(int maxMessages, long maxBytes, long maxAgeMs)
    {
        _maxMessages = maxMessages;
        _maxBytes = maxBytes;
        _maxAgeMs = maxAgeMs;
    }

    /// <summary>Messages dropped unacknowledged because they fell out of the window.</summary>
    public long Evicted { get; private set; }

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

    public void Append(Message.Types.Kind kind, ByteString channel, ByteString payload, string traceParent, string traceState)
    {
        long now = Environment.TickCount64;
        lock (_sync)
        {
            var message = new Message { Sequence = ++_lastSequence, Kind = kind, Channel = channel, Payload = payload, Traceparent = traceParent, Tracestate = traceState };
            int size = channel.Length + payload.Length + 32;
            _entries.Add(new Entry(message, now, size));
            _bytes += size;
            TrimWindow(now);
        }
    }

    /// <summary>Forgets what the peer has acknowledged.</summary>
    public void Acknowledge(ulong sequence)
    {
        lock (_sync)
        {
            while (_head < _entries.Count && _entries[_head].Message.Sequence <= sequence)
            {
                RemoveFirst();
            }
        }
    }

    /// <summary>Copies up to <paramref name="max"/> messages after <paramref name="afterSequence"/> into <paramref name="batch"/>.</summary>
    public int CopyAfter(ulong afterSequence, MessageBatch batch, int max, int maxBytes)
    {
        lock (_sync)
        {
            TrimWindow(Environment.TickCount64);
            if (_head == _entries.Count)
            {
                return 0;
            }
            ulong first = _entries[_head].Message.Sequence;
            int index = afterSequence < first ? _head : _head + (int)(afterSequence - first + 1);
            int copied = 0, bytes = 0;
            for (; index < _entries.Count && copied < max && bytes < maxBytes; index++)
            {
                batch.Messages.Add(_entries[index].Message);
                copied++;
                bytes += _entries[index].Size;
            }
            return copied;
        }
    }

    /// <summary>Starts over for a new incarnation of the peer: its old subscribers are gone with it.</summary>
    public void Reset()
    {
        lock (_sync)
        {
            _entries.Clear();
            _head = 0;
            _bytes = 0;
            _lastSequence = 0;
        }
    }

    /// <summary>Drops everything queued (the peer is dead: nobody will ask for a replay) but keeps numbering.</summary>
    public void Clear()
    {
        lock (_sync)
        {
            Evicted += _entries.Count - _head;
            _entries.Clear();
            _head = 0;
            _bytes = 0;
        }
    }

    private void TrimWindow(long now)
    {
        while (_head < _entries.Count
            && (_entries.Count - _head > _maxMessages || _bytes > _maxBytes || now - _entries[_head].EnqueuedAt > _maxAgeMs))
        {
            RemoveFirst();
            Evicted++;
        }
    }

    private void RemoveFirst()
    {
        _bytes -= _entries[_head].Size;
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
