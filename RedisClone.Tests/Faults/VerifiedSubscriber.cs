using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace RedisClone.Tests.Faults;

/// <summary>
/// One subscriber on one node, over a raw socket: SUBSCRIBE fault:chan, then every message is checked against its
/// publisher's sequence: a repeat is a duplicate, a lower one a late arrival (an error unless that publish was never
/// confirmed). When its connection breaks it reconnects and subscribes again (the node may come back empty).
/// </summary>
public sealed class VerifiedSubscriber : IDisposable
{
    private readonly Func<int> _port;
    private readonly Thread _thread;
    private readonly Lock _sync = new();
    private readonly Dictionary<int, HashSet<long>> _received = [];
    private readonly Dictionary<int, long> _last = [];
    private readonly List<string> _duplicates = [];
    private readonly List<(int Publisher, long Sequence)> _late = [];
    private volatile bool _stop;
    private Socket? _socket;

    public VerifiedSubscriber(int node, Func<int> port)
    {
        Node = node;
        _port = port;
        _thread = new Thread(Run) { IsBackground = true, Name = $"subscriber {node}" };
        _thread.Start();
    }

    public int Node { get; }

    /// <summary>How many times the connection was lost (its node stopped, restarted or closed it).</summary>
    public int ConnectionLosses { get; private set; }

    public bool Subscribed { get; private set; }

    public long Messages { get; private set; }

    public long Last(int publisher)
    {
        lock (_sync)
        {
            return _last.GetValueOrDefault(publisher);
        }
    }

    public bool Has(int publisher, long sequence)
    {
        lock (_sync)
        {
            return _received.TryGetValue(publisher, out HashSet<long>? set) && set.Contains(sequence);
        }
    }

    /// <summary>The lowest sequence received from the publisher at or above <paramref name="from"/>, if any.</summary>
    public long? FirstAtOrAbove(int publisher, long from)
    {
        lock (_sync)
        {
            return _received.TryGetValue(publisher, out HashSet<long>? set) && set.Any(s => s >= from) ? set.Where(s => s >= from).Min() : null;
        }
    }

    public List<string> Duplicates()
    {
        lock (_sync)
        {
            return [.. _duplicates];
        }
    }

    public List<(int Publisher, long Sequence)> LateArrivals()
    {
        lock (_sync)
        {
            return [.. _late];
        }
    }

    private void Run()
    {
        while (!_stop)
        {
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Connect("127.0.0.1", _port());
                _socket = socket;
                using var stream = new BufferedStream(new NetworkStream(socket), 1 << 16);
                stream.Write(Encoding.ASCII.GetBytes($"*2\r\n$9\r\nSUBSCRIBE\r\n${VerifiedPublisher.Channel.Length}\r\n{VerifiedPublisher.Channel}\r\n"));
                stream.Flush();
                var reader = new PushReader(stream);
                while (!_stop)
                {
                    (string kind, byte[] head) = reader.Next();
                    if (kind == "subscribe")
                    {
                        Subscribed = true;
                    }
                    else if (kind == "message")
                    {
                        Record(head);
                    }
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
            {
                if (Subscribed)
                {
                    ConnectionLosses++;
                }
                Subscribed = false;
                if (!_stop)
                {
                    Thread.Sleep(50);
                }
            }
        }
    }

    private void Record(byte[] head)
    {
        string text = Encoding.ASCII.GetString(head);
        string[] parts = text.Split(':', 3);
        int publisher = int.Parse(parts[0], CultureInfo.InvariantCulture);
        long sequence = long.Parse(parts[1], CultureInfo.InvariantCulture);
        lock (_sync)
        {
            Messages++;
            if (!_received.TryGetValue(publisher, out HashSet<long>? set))
            {
                _received[publisher] = set = [];
            }
            if (!set.Add(sequence))
            {
                _duplicates.Add($"node {Node} got message {publisher}:{sequence} twice");
                return;
            }
            long last = _last.GetValueOrDefault(publisher);
            if (sequence < last)
            {
                _late.Add((publisher, sequence));
            }
            _last[publisher] = Math.Max(last, sequence);
        }
    }

    public void Dispose()
    {
        _stop = true;
        _socket?.Dispose();
        _thread.Join(TimeSpan.FromSeconds(10));
    }

    /// <summary>Reads RESP push frames; keeps only the first bytes of a message's payload (its publisher and sequence).</summary>
    private sealed class PushReader(Stream stream)
    {
        private const int HeadBytes = 40;
        private readonly byte[] _skip = new byte[1 << 16];

        public (string Kind, byte[] Head) Next()
        {
            string header = Line();
            if (header.Length == 0 || header[0] is not ('*' or '>'))
            {
                throw new IOException($"unexpected frame '{header}'");
            }
            int count = int.Parse(header.AsSpan(1), CultureInfo.InvariantCulture);
            string kind = Encoding.ASCII.GetString(Bulk(int.MaxValue));
            Bulk(0); // the channel
            byte[] last = [];
            for (int i = 2; i < count; i++)
            {
                last = Bulk(HeadBytes);
            }
            return (kind, last);
        }

        /// <summary>Reads a bulk string or an integer; returns at most <paramref name="keep"/> bytes of it.</summary>
        private byte[] Bulk(int keep)
        {
            string line = Line();
            if (line[0] == ':')
            {
                return Encoding.ASCII.GetBytes(line[1..]);
            }
            long length = long.Parse(line.AsSpan(1), CultureInfo.InvariantCulture);
            byte[] kept = new byte[Math.Min(keep, length)];
            stream.ReadExactly(kept);
            for (long left = length - kept.Length; left > 0;)
            {
                int n = stream.Read(_skip, 0, (int)Math.Min(left, _skip.Length));
                if (n == 0)
                {
                    throw new IOException("the connection closed inside a message");
                }
                left -= n;
            }
            Line();
            return kept;
        }

        private string Line()
        {
            var line = new StringBuilder();
            while (true)
            {
                int b = stream.ReadByte();
                if (b < 0)
                {
                    throw new IOException("the connection closed");
                }
                if (b == '\n')
                {
                    return line.ToString().TrimEnd('\r');
                }
                line.Append((char)b);
            }
        }
    }
}
