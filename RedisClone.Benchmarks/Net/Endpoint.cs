using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace RedisClone.Benchmarks.Net;

/// <summary>A RESP server address given as host:port ([::1]:port for IPv6).</summary>
public readonly record struct Endpoint(string Host, int Port)
{
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    public static Endpoint Parse(string text)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            throw new FormatException($"'{text}' is not host:port");
        }
        string host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            throw new FormatException($"'{text}' has no valid port");
        }
        return new Endpoint(host, port);
    }

    /// <summary>Parses a comma-separated list; empty entries are ignored.</summary>
    public static IReadOnlyList<Endpoint> ParseList(string text)
    {
        var endpoints = new List<Endpoint>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            endpoints.Add(Parse(part));
        }
        if (endpoints.Count == 0)
        {
            throw new FormatException("the endpoint list is empty");
        }
        return endpoints;
    }

    /// <summary>A connected TCP socket with Nagle off: pipelined commands and replies must not wait for each other.</summary>
    public async Task<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        IPAddress address = IPAddress.TryParse(Host, out IPAddress? parsed)
            ? parsed
            : (await Dns.GetHostAddressesAsync(Host, cancellationToken))[0];
        Socket socket = NewSocket(address);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, Port), cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connects with a blocking call. A socket that never sees an async operation is never registered with .NET's
    /// own epoll engine, so an <see cref="EpollReader"/> is the only one woken when its data arrives.
    /// </summary>
    public Socket Connect()
    {
        IPAddress address = IPAddress.TryParse(Host, out IPAddress? parsed) ? parsed : Dns.GetHostAddresses(Host)[0];
        Socket socket = NewSocket(address);
        try
        {
            socket.Connect(new IPEndPoint(address, Port));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static Socket NewSocket(IPAddress address) =>
        new(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
}
