using System.Net.Sockets;

namespace RedisClone.Tests.Infrastructure;

public static class StreamDrain
{
    /// <summary>Reads until the server closes the connection (true) or 30 s pass without that (false).</summary>
    public static bool DrainsToClose(NetworkStream stream)
    {
        byte[] buffer = new byte[1 << 16];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (stream.ReadAsync(buffer, deadline.Token).AsTask().GetAwaiter().GetResult() > 0)
            {
            }
            return true;
        }
        catch (IOException)
        {
            return true; // reset by the server
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
