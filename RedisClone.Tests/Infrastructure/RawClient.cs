using System.Net.Sockets;
using System.Text;

namespace RedisClone.Tests.Infrastructure;

/// <summary>A plain TCP client for exact bytes: sends what it is given, reads whole RESP replies back as text.</summary>
public sealed class RawClient : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly List<byte> _pending = [];

    private RawClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static RawClient Connect(int port)
    {
        var tcp = new TcpClient();
        tcp.Connect("127.0.0.1", port);
        tcp.NoDelay = true;
        return new RawClient(tcp);
    }

    /// <summary>
    /// Connects to 127.0.0.1:<paramref name="port"/> from the source address <paramref name="local"/> (127.0.0.2, say:
    /// still this machine, but not what Redis's protected mode counts as local).
    /// </summary>
    public static RawClient ConnectFrom(System.Net.IPAddress local, int port)
    {
        var tcp = new TcpClient(new System.Net.IPEndPoint(local, 0));
        tcp.Connect("127.0.0.1", port);
        tcp.NoDelay = true;
        return new RawClient(tcp);
    }

    /// <summary>Everything the server sends until it closes the connection (at most until the deadline), as exact bytes.</summary>
    public byte[] ReadUntilClosed()
    {
        WaitForClose();
        byte[] all = _pending.ToArray();
        _pending.Clear();
        return all;
    }

    /// <summary>The client's own port: the network.peer.port the node records for it.</summary>
    public int LocalPort => ((System.Net.IPEndPoint)_tcp.Client.LocalEndPoint!).Port;

    public void Send(string text) => Send(Encoding.UTF8.GetBytes(text));

    public void Send(byte[] bytes) => _stream.Write(bytes);

    /// <summary>Sends a command as a RESP multibulk request.</summary>
    public void Command(params string[] args)
    {
        var text = new StringBuilder().Append('*').Append(args.Length).Append("\r\n");
        foreach (string arg in args)
        {
            text.Append('$').Append(Encoding.UTF8.GetByteCount(arg)).Append("\r\n").Append(arg).Append("\r\n");
        }
        Send(text.ToString());
    }

    /// <summary>Sends a command and returns its whole reply, as raw RESP text.</summary>
    public string Call(params string[] args)
    {
        Command(args);
        return ReadReply();
    }

    /// <summary>Reads exactly one complete RESP reply (nested aggregates included).</summary>
    public string ReadReply() => Encoding.UTF8.GetString(ReadReplyBytes());

    /// <summary>Reads exactly one complete RESP reply, as the exact bytes the server sent.</summary>
    public byte[] ReadReplyBytes()
    {
        using var cts = new CancellationTokenSource(Deadline);
        var reply = new List<byte>();
        ReadValue(reply, cts.Token);
        return reply.ToArray();
    }

    private void ReadValue(List<byte> reply, CancellationToken token)
    {
        string line = ReadLine(token);
        reply.AddRange(Encoding.Latin1.GetBytes(line + "\r\n"));
        char type = line[0];
        if (type is '$' or '=' or '!')
        {
            int length = int.Parse(line.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
            if (length >= 0)
            {
                reply.AddRange(ReadExactly(length + 2, token));
            }
        }
        else if (type is '*' or '%' or '~' or '>' or '|')
        {
            int count = int.Parse(line.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
            int items = type is '%' or '|' ? count * 2 : count;
            for (int i = 0; i < items; i++)
            {
                ReadValue(reply, token);
            }
        }
    }

    private string ReadLine(CancellationToken token)
    {
        while (true)
        {
            for (int i = 0; i + 1 < _pending.Count; i++)
            {
                if (_pending[i] == '\r' && _pending[i + 1] == '\n')
                {
                    string line = Encoding.Latin1.GetString(_pending.GetRange(0, i).ToArray());
                    _pending.RemoveRange(0, i + 2);
                    return line;
                }
            }
            Fill(token);
        }
    }

    private byte[] ReadExactly(int count, CancellationToken token)
    {
        while (_pending.Count < count)
        {
            Fill(token);
        }
        byte[] bytes = _pending.GetRange(0, count).ToArray();
        _pending.RemoveRange(0, count);
        return bytes;
    }

    private void Fill(CancellationToken token)
    {
        byte[] buffer = new byte[65536];
        int read = _stream.ReadAsync(buffer, token).AsTask().GetAwaiter().GetResult();
        if (read == 0)
        {
            throw new EndOfStreamException("the server closed the connection");
        }
        _pending.AddRange(buffer.AsSpan(0, read).ToArray());
    }

    /// <summary>True once the server has closed the connection (waits up to the deadline).</summary>
    public bool WaitForClose()
    {
        using var cts = new CancellationTokenSource(Deadline);
        try
        {
            while (true)
            {
                Fill(cts.Token);
            }
        }
        catch (EndOfStreamException)
        {
            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Everything the server sent that no reply read has taken yet (after <see cref="WaitForClose"/>: all it sent).</summary>
    public string Unread => Encoding.UTF8.GetString(_pending.ToArray());

    public void Dispose()
    {
        _stream.Dispose();
        _tcp.Dispose();
    }
}
