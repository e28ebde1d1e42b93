using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Aspire.Hosting;

/// <summary>
/// The smallest RESP2 client the AppHost needs to look at a node (INFO, CLIENT LIST) and to run its dashboard
/// commands: one connection per call, AUTH first when there is a password, replies rendered as text.
/// </summary>
internal static class RespProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs each command in turn on one new connection (AUTH first when there is a password); returns their replies,
    /// or throws <see cref="RespErrorException"/> on an error reply.
    /// </summary>
    public static async Task<IReadOnlyList<string>> CallAsync(string host, int port, string? password, IReadOnlyList<string[]> commands, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        using var client = new TcpClient();
        await client.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
        NetworkStream stream = client.GetStream();
        var reader = new BufferedReader(stream);
        if (!string.IsNullOrEmpty(password))
        {
            await stream.WriteAsync(Encode(["AUTH", password]), timeout.Token).ConfigureAwait(false);
            await ReadReplyAsync(reader, timeout.Token).ConfigureAwait(false);
        }
        var replies = new List<string>(commands.Count);
        foreach (string[] command in commands)
        {
            await stream.WriteAsync(Encode(command), timeout.Token).ConfigureAwait(false);
            replies.Add(await ReadReplyAsync(reader, timeout.Token).ConfigureAwait(false));
        }
        return replies;
    }

    private static byte[] Encode(string[] command)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"*{command.Length}\r\n");
        foreach (string argument in command)
        {
            text.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(argument)}\r\n{argument}\r\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static async Task<string> ReadReplyAsync(BufferedReader reader, CancellationToken cancellationToken)
    {
        string line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        string rest = line[1..];
        switch (line[0])
        {
            case '+':
            case ':':
                return rest;
            case '-':
                throw new RespErrorException(rest);
            case '$':
                int length = int.Parse(rest, CultureInfo.InvariantCulture);
                return length < 0 ? "" : await reader.ReadBulkAsync(length, cancellationToken).ConfigureAwait(false);
            case '*':
                int count = int.Parse(rest, CultureInfo.InvariantCulture);
                var items = new List<string>();
                for (int i = 0; i < count; i++)
                {
                    items.Add(await ReadReplyAsync(reader, cancellationToken).ConfigureAwait(false));
                }
                return string.Join('\n', items);
            default:
                throw new InvalidDataException($"unexpected reply: {line}");
        }
    }

    /// <summary>Reads lines and counted blocks from a stream.</summary>
    private sealed class BufferedReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private readonly List<byte> _pending = [];

        public async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                for (int i = 1; i < _pending.Count; i++)
                {
                    if (_pending[i - 1] == '\r' && _pending[i] == '\n')
                    {
                        string line = Encoding.UTF8.GetString(_pending.GetRange(0, i - 1).ToArray());
                        _pending.RemoveRange(0, i + 1);
                        return line;
                    }
                }
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<string> ReadBulkAsync(int length, CancellationToken cancellationToken)
        {
            while (_pending.Count < length + 2)
            {
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }
            string value = Encoding.UTF8.GetString(_pending.GetRange(0, length).ToArray());
            _pending.RemoveRange(0, length + 2);
            return value;
        }

        private async Task FillAsync(CancellationToken cancellationToken)
        {
            int read = await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new EndOfStreamException("the node closed the connection");
            }
            _pending.AddRange(_buffer.AsSpan(0, read));
        }
    }
}

/// <summary>An error reply from a node (<c>-ERR ...</c>).</summary>
public sealed class RespErrorException(string message) : Exception(message);
