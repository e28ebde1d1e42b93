using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace RedisClone.Tests.Faults;

/// <summary>
/// One publisher on one node: PUBLISH fault:chan "&lt;node&gt;:&lt;seq&gt;:&lt;padding&gt;" one at a time, paced, each
/// waiting for its reply. A publish whose reply came is confirmed; one whose reply timed out or whose connection broke
/// is unconfirmed (it may or may not be delivered). The publisher reconnects by itself when its node comes back.
/// </summary>
public sealed class VerifiedPublisher : IDisposable
{
    public const string Channel = "fault:chan";

    private readonly Func<int> _port;
    private readonly Func<long, int> _padding;
    private readonly TimeSpan _interval;
    private readonly Thread _thread;
    private readonly Lock _sync = new();
    private readonly List<long> _confirmedAt = [0]; // index = sequence; 0: not confirmed
    private volatile bool _stop;
    private long _nextSequence = 1;

    public VerifiedPublisher(int node, Func<int> port, int perSecond, Func<long, int>? padding = null)
    {
        Node = node;
        _port = port;
        _padding = padding ?? (_ => 0);
        _interval = TimeSpan.FromSeconds(1.0 / perSecond);
        _thread = new Thread(Run) { IsBackground = true, Name = $"publisher {node}" };
        _thread.Start();
    }

    public int Node { get; }

    /// <summary>The sequence the next publish will carry.</summary>
    public long NextSequence => Interlocked.Read(ref _nextSequence);

    public long Unconfirmed { get; private set; }

    public long ErrorReplies { get; private set; }

    public bool IsConfirmed(long sequence)
    {
        lock (_sync)
        {
            return sequence < _confirmedAt.Count && _confirmedAt[(int)sequence] != 0;
        }
    }

    /// <summary>The highest sequence confirmed so far (0: none).</summary>
    public long LastConfirmed
    {
        get
        {
            lock (_sync)
            {
                for (int i = _confirmedAt.Count - 1; i > 0; i--)
                {
                    if (_confirmedAt[i] != 0)
                    {
                        return i;
                    }
                }
                return 0;
            }
        }
    }

    /// <summary>Confirmed sequences in [from, to].</summary>
    public List<long> ConfirmedBetween(long from, long to)
    {
        lock (_sync)
        {
            var result = new List<long>();
            for (long s = Math.Max(1, from); s <= to && s < _confirmedAt.Count; s++)
            {
                if (_confirmedAt[(int)s] != 0)
                {
                    result.Add(s);
                }
            }
            return result;
        }
    }

    private void Run()
    {
        Socket? socket = null;
        var next = Stopwatch.StartNew();
        while (!_stop)
        {
            try
            {
                socket ??= Connect();
                if (socket is null)
                {
                    Thread.Sleep(50);
                    continue;
                }
                long sequence = Interlocked.Read(ref _nextSequence);
                lock (_sync)
                {
                    _confirmedAt.Add(0);
                }
                Interlocked.Increment(ref _nextSequence);
                string reply = Publish(socket, sequence);
                if (reply.StartsWith(':'))
                {
                    lock (_sync)
                    {
                        _confirmedAt[(int)sequence] = Stopwatch.GetTimestamp();
                    }
                }
                else
                {
                    ErrorReplies++;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
            {
                Unconfirmed++;
                socket?.Dispose();
                socket = null;
            }
            TimeSpan wait = _interval - next.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                Thread.Sleep(wait);
            }
            next.Restart();
        }
        socket?.Dispose();
    }

    private Socket? Connect()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 2000, SendTimeout = 5000 };
        try
        {
            socket.Connect("127.0.0.1", _port());
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }

    private string Publish(Socket socket, long sequence)
    {
        byte[] prefix = Encoding.ASCII.GetBytes(Node.ToString(CultureInfo.InvariantCulture) + ":" + sequence.ToString(CultureInfo.InvariantCulture) + ":");
        int padding = _padding(sequence);
        long length = prefix.Length + padding;
        byte[] head = Encoding.ASCII.GetBytes($"*3\r\n$7\r\nPUBLISH\r\n${Channel.Length}\r\n{Channel}\r\n${length}\r\n");
        socket.Send(head);
        socket.Send(prefix);
        if (padding > 0)
        {
            byte[] fill = new byte[Math.Min(padding, 1 << 20)];
            fill.AsSpan().Fill((byte)'x');
            for (int left = padding; left > 0; left -= fill.Length)
            {
                socket.Send(fill, 0, Math.Min(left, fill.Length), SocketFlags.None);
            }
        }
        socket.Send("\r\n"u8.ToArray());
        return ReadLine(socket);
    }

    private static string ReadLine(Socket socket)
    {
        var line = new StringBuilder();
        byte[] one = new byte[1];
        while (true)
        {
            if (socket.Receive(one) == 0)
            {
                throw new IOException("the node closed the connection");
            }
            if (one[0] == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }
            line.Append((char)one[0]);
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join(TimeSpan.FromSeconds(10));
    }
}
