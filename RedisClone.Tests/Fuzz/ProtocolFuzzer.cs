using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace RedisClone.Tests.Fuzz;

/// <summary>
/// A black-box protocol fuzzer for any RESP server (the node, or redis-server for comparison). It sends batches of
/// frames on fresh connections: random bytes biased towards RESP's own characters, valid frames of every command the
/// server lists (COMMAND LIST) with random arguments, and those valid frames mutated (bytes flipped, inserted, cut,
/// lengths and counts replaced). Between batches a canary connection checks that the server still answers correctly
/// (PING, and a MULTI/SET/GET/EXEC round trip) and measures PING's latency. What counts as a finding: a canary that
/// gets a wrong answer, no answer in time or a closed connection; an "internal error" reply (an exception in a
/// handler) to any frame; connections still counted by the server after every fuzzing client has gone.
/// Seeded: the same seed sends the same frames.
/// </summary>
public sealed class ProtocolFuzzer
{
    // Commands whose random use would change the rules for everyone else (a password, maxclients, a killed canary)
    // or stop the server: never generated. CLIENT and CONFIG keep their harmless subcommands.
    private static readonly HashSet<string> Excluded = new(StringComparer.OrdinalIgnoreCase)
    {
        "shutdown", "debug", "replicaof", "slaveof", "failover", "sync", "psync", "save", "bgsave", "bgrewriteaof",
        "eval", "eval_ro", "evalsha", "evalsha_ro", "fcall", "fcall_ro", "function", "script", "module", "acl",
        "cluster", "migrate", "wait", "waitaof", "latency", "sentinel",
    };

    private static readonly string[] ClientSubcommands = ["LIST", "INFO", "ID", "GETNAME", "SETNAME", "SETINFO", "HELP", "NOPE"];
    private static readonly string[] ConfigSubcommands = ["GET", "RESETSTAT", "HELP", "NOPE"];

    private static readonly string[] Tokens =
    [
        "", "0", "1", "-1", "2", "10", "100", "65536", "-100", "1.5", "-0.0", "inf", "-inf", "nan", "1e3", "0x10", " 1",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "4294967296", "99999999999999999999",
        "EX", "PX", "EXAT", "PXAT", "NX", "XX", "GT", "LT", "GET", "KEEPTTL", "PERSIST", "MATCH", "COUNT", "TYPE",
        "REPLACE", "DB", "ASYNC", "SYNC", "WITHSCORES", "*", "?", "[", "\\", "fz:*", "h*llo", "[a-", "__keyspace@0__:*",
        "AUTH", "SETNAME", "default", "string", "HELP", "\"", "'", "a b", "\r\n", "\0", "é", "€",
    ];

    private readonly string _host;
    private readonly int _port;
    private readonly Random _random;
    private readonly TextWriter _progress;
    private List<string> _commands = [];

    public ProtocolFuzzer(string host, int port, int seed, TextWriter progress)
    {
        _host = host;
        _port = port;
        Seed = seed;
        _random = new Random(seed);
        _progress = progress;
    }

    public int Seed { get; }

    /// <summary>Frames sent in one batch, on one connection.</summary>
    public int FramesPerBatch { get; init; } = 40;

    /// <summary>How long a batch's connection is read after its last frame, for replies and a close.</summary>
    public TimeSpan BatchReadTime { get; init; } = TimeSpan.FromMilliseconds(30);

    /// <summary>How long the canary may wait for an answer before that is a finding.</summary>
    public TimeSpan CanaryDeadline { get; init; } = TimeSpan.FromSeconds(5);

    public async Task<FuzzReport> RunAsync(TimeSpan duration, CancellationToken cancel = default)
    {
        var report = new FuzzReport(Seed);
        using var canary = await Canary.ConnectAsync(_host, _port);
        _commands = await canary.CommandNamesAsync();
        _commands.RemoveAll(Excluded.Contains);
        report.Commands = _commands.Count;
        long baselineClients = await canary.ConnectedClientsAsync();
        var clock = Stopwatch.StartNew();
        var lastProgress = Stopwatch.StartNew();
        while (clock.Elapsed < duration && !cancel.IsCancellationRequested)
        {
            int batch = report.Batches;
            // Valid frames first: the first broken one usually ends the connection, and what follows it is never read.
            List<(FrameKind Kind, byte[] Frame)> frames = [.. Enumerable.Range(0, FramesPerBatch).Select(_ => NextFrame()).OrderBy(f => f.Kind == FrameKind.Valid ? 0 : 1)];
            byte[] received = await SendBatchAsync(frames, report);
            ScanReplies(received, frames, batch, report);
            report.Batches++;
            await CheckCanaryAsync(canary, batch, report);
            if (report.Findings.Count >= 20)
            {
                break; // enough to go on; the rest would be more of the same
            }
            if (lastProgress.Elapsed > TimeSpan.FromSeconds(10))
            {
                await _progress.WriteLineAsync($"fuzz: {clock.Elapsed.TotalSeconds:F0} s, {report.Frames} frames, {report.Findings.Count} findings");
                lastProgress.Restart();
            }
        }
        report.Elapsed = clock.Elapsed;
        await CheckClientsGoneAsync(canary, baselineClients, report);
        return report;
    }

    private async Task<byte[]> SendBatchAsync(List<(FrameKind Kind, byte[] Frame)> frames, FuzzReport report)
    {
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(_host, _port);
        report.Connections++;
        NetworkStream stream = tcp.GetStream();
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            foreach ((FrameKind kind, byte[] frame) in frames)
            {
                await stream.WriteAsync(frame);
                report.Count(kind, frame.Length);
            }
        }
        catch (IOException)
        {
            report.ClosedByServer++; // the server closed (a protocol error, QUIT, POST) while frames were still going out
            return received.ToArray();
        }
        // Read what comes back until the server has been quiet for a while or closes.
        using var quiet = new CancellationTokenSource(BatchReadTime);
        try
        {
            while (true)
            {
                int read = await stream.ReadAsync(buffer, quiet.Token);
                if (read == 0)
                {
                    report.ClosedByServer++;
                    break;
                }
                received.Write(buffer, 0, read);
                quiet.CancelAfter(BatchReadTime);
                if (received.Length > 16 * 1024 * 1024)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Quiet: the server waits for more (an unfinished frame) or has answered everything.
        }
        catch (IOException)
        {
            report.ClosedByServer++;
        }
        return received.ToArray();
    }

    private static void ScanReplies(byte[] received, List<(FrameKind Kind, byte[] Frame)> frames, int batch, FuzzReport report)
    {
        report.ReplyBytes += received.Length;
        string text = Encoding.Latin1.GetString(received);
        report.ProtocolErrors += CountOf(text, "-ERR Protocol error");
        report.ErrorReplies += CountOf(text, "\r\n-") + (text.StartsWith('-') ? 1 : 0);
        if (text.Contains("internal error", StringComparison.OrdinalIgnoreCase))
        {
            string frame = string.Join(" | ", frames.Select(f => Escape(f.Frame, 120)));
            report.AddFinding($"batch {batch}: a reply says 'internal error' (a command handler threw). Frames: {frame}");
        }
    }

    private async Task CheckCanaryAsync(Canary canary, int batch, FuzzReport report)
    {
        try
        {
            TimeSpan ping = await canary.PingAsync(CanaryDeadline);
            report.PingMicroseconds.Add((long)ping.TotalMicroseconds);
            if (batch % 10 == 0)
            {
                string value = $"v{_random.Next()}";
                string? got = await canary.SetGetAsync(value, CanaryDeadline);
                if (got != value)
                {
                    report.AddFinding($"after batch {batch}: the canary's MULTI/SET/GET/EXEC gave {Escape(Encoding.Latin1.GetBytes(got ?? "(nothing)"), 200)} instead of {value}");
                }
            }
            report.CanaryChecks++;
        }
        catch (Exception ex) when (ex is IOException or SocketException or TimeoutException or InvalidDataException)
        {
            report.AddFinding($"after batch {batch}: the canary failed: {ex.Message}");
            await canary.ReconnectAsync();
        }
    }

    private static async Task CheckClientsGoneAsync(Canary canary, long baseline, FuzzReport report)
    {
        // Every fuzzing connection is closed; the server's count must come back to the canary's own (a deadline, not a sleep).
        var deadline = Stopwatch.StartNew();
        long clients;
        while ((clients = await canary.ConnectedClientsAsync()) > baseline && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }
        if (clients > baseline)
        {
            report.AddFinding($"after the run: the server still counts {clients} connected clients (the canary alone was {baseline})");
        }
    }

    private (FrameKind Kind, byte[] Frame) NextFrame()
    {
        int pick = _random.Next(100);
        if (pick < 15)
        {
            return (FrameKind.Random, RandomBytes());
        }
        byte[] valid = ValidFrame();
        return pick < 50 ? (FrameKind.Mutated, Mutate(valid)) : (FrameKind.Valid, valid);
    }

    /// <summary>A command the server lists, with random arguments, as multibulk or (sometimes) inline.</summary>
    private byte[] ValidFrame()
    {
        string name = _commands[_random.Next(_commands.Count)];
        var args = new List<byte[]> { Encoding.ASCII.GetBytes(_random.Next(4) == 0 ? name.ToUpperInvariant() : name) };
        if (name.Equals("client", StringComparison.OrdinalIgnoreCase))
        {
            args.Add(Encoding.ASCII.GetBytes(ClientSubcommands[_random.Next(ClientSubcommands.Length)]));
        }
        else if (name.Equals("config", StringComparison.OrdinalIgnoreCase))
        {
            args.Add(Encoding.ASCII.GetBytes(ConfigSubcommands[_random.Next(ConfigSubcommands.Length)]));
        }
        int count = _random.Next(6);
        for (int i = 0; i < count; i++)
        {
            args.Add(Argument());
        }
        if (_random.Next(8) == 0 && args.All(a => a.AsSpan().IndexOfAny((byte)'\r', (byte)'\n', (byte)0) < 0))
        {
            // Inline, quoted as redis-cli would; a few quotes left unbalanced on purpose.
            string line = string.Join(' ', args.Select(a => a.Length == 0 || a.AsSpan().IndexOfAny((byte)' ', (byte)'"') >= 0
                ? "\"" + Encoding.Latin1.GetString(a).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""
                : Encoding.Latin1.GetString(a)));
            return Encoding.Latin1.GetBytes(line + (_random.Next(10) == 0 ? "\n" : "\r\n"));
        }
        var frame = new MemoryStream();
        Write(frame, $"*{args.Count}\r\n");
        foreach (byte[] arg in args)
        {
            Write(frame, $"${arg.Length}\r\n");
            frame.Write(arg);
            Write(frame, "\r\n");
        }
        return frame.ToArray();
    }

    private byte[] Argument()
    {
        int pick = _random.Next(100);
        if (pick < 35)
        {
            return Encoding.UTF8.GetBytes($"fz:k{_random.Next(16)}");
        }
        if (pick < 85)
        {
            return Encoding.UTF8.GetBytes(Tokens[_random.Next(Tokens.Length)]);
        }
        if (pick < 98)
        {
            return RandomBytes(64);
        }
        byte[] big = new byte[_random.Next(1, 64 * 1024)];
        _random.NextBytes(big);
        return big;
    }

    // RESP's own characters come up far more often than chance would have them.
    private static readonly byte[] Alphabet = "*$+-:_,#!=%~>|\r\n\r\n0123456789-\"' \\\t\0xPINGSETGETpost"u8.ToArray();

    private byte[] RandomBytes(int max = 512)
    {
        byte[] bytes = new byte[_random.Next(1, max + 1)];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = _random.Next(3) == 0 ? (byte)_random.Next(256) : Alphabet[_random.Next(Alphabet.Length)];
        }
        return bytes;
    }

    private byte[] Mutate(byte[] frame)
    {
        var bytes = new List<byte>(frame);
        int mutations = _random.Next(1, 5);
        for (int m = 0; m < mutations && bytes.Count > 0; m++)
        {
            int at = _random.Next(bytes.Count);
            switch (_random.Next(7))
            {
                case 0:
                    bytes[at] = (byte)_random.Next(256);
                    break;
                case 1:
                    bytes.Insert(at, Alphabet[_random.Next(Alphabet.Length)]);
                    break;
                case 2:
                    bytes.RemoveAt(at);
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at); // cut short: the server waits for the rest
                    break;
                case 4:
                    bytes.InsertRange(at, bytes.GetRange(at, Math.Min(bytes.Count - at, _random.Next(1, 32))));
                    break;
                default:
                    ReplaceNumber(bytes, at);
                    break;
            }
        }
        return bytes.ToArray();
    }

    /// <summary>Replaces the count or length after a '*' or '$' near <paramref name="at"/> with an odd one.</summary>
    private void ReplaceNumber(List<byte> bytes, int at)
    {
        int marker = bytes.FindIndex(at, b => b is (byte)'*' or (byte)'$');
        if (marker < 0)
        {
            return;
        }
        int end = marker + 1;
        while (end < bytes.Count && bytes[end] is not (byte)'\r')
        {
            end++;
        }
        string[] odd = ["-1", "-2", "0", "1", "2147483647", "2147483648", "536870912", "9223372036854775807", "99999999999999999999", "", "+1", " 1", "1 ", "0x1", "3a"];
        byte[] replacement = Encoding.ASCII.GetBytes(odd[_random.Next(odd.Length)]);
        bytes.RemoveRange(marker + 1, end - marker - 1);
        bytes.InsertRange(marker + 1, replacement);
    }

    private static void Write(MemoryStream stream, string text) => stream.Write(Encoding.ASCII.GetBytes(text));

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    /// <summary>Bytes as redis-cli would print them, cut to <paramref name="max"/>.</summary>
    public static string Escape(byte[] bytes, int max)
    {
        var text = new StringBuilder();
        foreach (byte b in bytes.AsSpan(0, Math.Min(bytes.Length, max)))
        {
            text.Append(b switch
            {
                (byte)'\r' => "\\r",
                (byte)'\n' => "\\n",
                (byte)'\\' => "\\\\",
                >= 0x20 and < 0x7f => ((char)b).ToString(),
                _ => $"\\x{b:x2}",
            });
        }
        return bytes.Length > max ? $"{text}... ({bytes.Length} bytes)" : text.ToString();
    }

    /// <summary>The connection that checks, between batches, that the server still serves a well-behaved client.</summary>
    private sealed class Canary : IDisposable
    {
        private readonly string _host;
        private readonly int _port;
        private TcpClient _tcp;
        private Stream _stream;
        private readonly byte[] _buffer = new byte[64 * 1024];
        private readonly List<byte> _pending = [];

        private Canary(string host, int port, TcpClient tcp)
        {
            _host = host;
            _port = port;
            _tcp = tcp;
            _stream = tcp.GetStream();
        }

        public static async Task<Canary> ConnectAsync(string host, int port)
        {
            var tcp = new TcpClient { NoDelay = true };
            await tcp.ConnectAsync(host, port);
            return new Canary(host, port, tcp);
        }

        public async Task ReconnectAsync()
        {
            Dispose();
            _tcp = new TcpClient { NoDelay = true };
            try
            {
                await _tcp.ConnectAsync(_host, _port);
                _stream = _tcp.GetStream();
                _pending.Clear();
            }
            catch (SocketException)
            {
                // The next check reports it again.
            }
        }

        public async Task<List<string>> CommandNamesAsync()
        {
            await SendAsync("COMMAND", "LIST");
            string reply = await ReadReplyAsync(TimeSpan.FromSeconds(10));
            return reply.Split("\r\n").Where((line, i) => i > 0 && !line.StartsWith('$') && line.Length > 0).ToList();
        }

        public async Task<long> ConnectedClientsAsync()
        {
            await SendAsync("INFO", "clients");
            string info = await ReadReplyAsync(TimeSpan.FromSeconds(10));
            string line = info.Split("\r\n").First(l => l.StartsWith("connected_clients:", StringComparison.Ordinal));
            return long.Parse(line.AsSpan("connected_clients:".Length), CultureInfo.InvariantCulture);
        }

        public async Task<TimeSpan> PingAsync(TimeSpan deadline)
        {
            var clock = Stopwatch.StartNew();
            await SendAsync("PING");
            string reply = await ReadReplyAsync(deadline);
            if (reply != "+PONG\r\n")
            {
                throw new InvalidDataException($"PING answered {reply.Trim()}");
            }
            return clock.Elapsed;
        }

        public async Task<string?> SetGetAsync(string value, TimeSpan deadline)
        {
            await SendAsync("MULTI");
            await SendAsync("SET", "fz:canary", value);
            await SendAsync("GET", "fz:canary");
            await SendAsync("EXEC");
            string multi = await ReadReplyAsync(deadline);
            string set = await ReadReplyAsync(deadline);
            string get = await ReadReplyAsync(deadline);
            string exec = await ReadReplyAsync(deadline);
            string expected = $"*2\r\n+OK\r\n${value.Length}\r\n{value}\r\n";
            return multi == "+OK\r\n" && set == "+QUEUED\r\n" && get == "+QUEUED\r\n" && exec == expected ? value : multi + set + get + exec;
        }

        private async Task SendAsync(params string[] args)
        {
            var text = new StringBuilder().Append('*').Append(args.Length).Append("\r\n");
            foreach (string arg in args)
            {
                text.Append('$').Append(Encoding.UTF8.GetByteCount(arg)).Append("\r\n").Append(arg).Append("\r\n");
            }
            await _stream.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()));
        }

        /// <summary>One whole reply (nested aggregates included) as Latin-1 text.</summary>
        private async Task<string> ReadReplyAsync(TimeSpan deadline)
        {
            using var cts = new CancellationTokenSource(deadline);
            var reply = new StringBuilder();
            try
            {
                await ReadValueAsync(reply, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no whole reply within {deadline.TotalSeconds} s (got '{reply}')");
            }
            return reply.ToString();
        }

        private async Task ReadValueAsync(StringBuilder reply, CancellationToken token)
        {
            string line = await ReadLineAsync(token);
            reply.Append(line).Append("\r\n");
            if (line.Length == 0)
            {
                throw new InvalidDataException("an empty reply line");
            }
            char type = line[0];
            if (type is '$' or '=' or '!')
            {
                int length = int.Parse(line.AsSpan(1), CultureInfo.InvariantCulture);
                if (length >= 0)
                {
                    while (_pending.Count < length + 2)
                    {
                        await FillAsync(token);
                    }
                    reply.Append(Encoding.Latin1.GetString(_pending.GetRange(0, length + 2).ToArray()));
                    _pending.RemoveRange(0, length + 2);
                }
            }
            else if (type is '*' or '%' or '~' or '>')
            {
                int count = int.Parse(line.AsSpan(1), CultureInfo.InvariantCulture);
                for (int i = 0; i < (type == '%' ? count * 2 : count); i++)
                {
                    await ReadValueAsync(reply, token);
                }
            }
        }

        private async Task<string> ReadLineAsync(CancellationToken token)
        {
            while (true)
            {
                int end = _pending.IndexOf((byte)'\n');
                if (end > 0 && _pending[end - 1] == '\r')
                {
                    string line = Encoding.Latin1.GetString(_pending.GetRange(0, end - 1).ToArray());
                    _pending.RemoveRange(0, end + 1);
                    return line;
                }
                await FillAsync(token);
            }
        }

        private async Task FillAsync(CancellationToken token)
        {
            int read = await _stream.ReadAsync(_buffer, token);
            if (read == 0)
            {
                throw new IOException("the server closed the canary's connection");
            }
            _pending.AddRange(_buffer.AsSpan(0, read).ToArray());
        }

        public void Dispose()
        {
            _stream.Dispose();
            _tcp.Dispose();
        }
    }
}

public enum FrameKind
{
    Random,
    Valid,
    Mutated,
}

/// <summary>What a fuzzing run did and found.</summary>
public sealed class FuzzReport(int seed)
{
    private readonly long[] _frames = new long[3];

    public int Seed { get; } = seed;
    public int Commands { get; set; }
    public int Batches { get; set; }
    public long Connections { get; set; }
    public long Frames => _frames.Sum();
    public long BytesSent { get; private set; }
    public long ReplyBytes { get; set; }
    public long ProtocolErrors { get; set; }
    public long ErrorReplies { get; set; }
    public long ClosedByServer { get; set; }
    public long CanaryChecks { get; set; }
    public TimeSpan Elapsed { get; set; }
    public List<long> PingMicroseconds { get; } = [];
    public List<string> Findings { get; } = [];

    public void Count(FrameKind kind, int bytes)
    {
        _frames[(int)kind]++;
        BytesSent += bytes;
    }

    public void AddFinding(string finding) => Findings.Add(finding);

    public string Text()
    {
        long[] pings = [.. PingMicroseconds.Order()];
        long Percentile(double p) => pings.Length == 0 ? 0 : pings[Math.Min(pings.Length - 1, (int)(p * pings.Length))];
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"seed {Seed}, {Elapsed.TotalSeconds:F1} s, {Commands} commands fuzzed");
        text.AppendLine(CultureInfo.InvariantCulture, $"frames {Frames} (random {_frames[0]}, valid {_frames[1]}, mutated {_frames[2]}), {BytesSent} bytes, {Batches} batches on {Connections} connections");
        text.AppendLine(CultureInfo.InvariantCulture, $"replies {ReplyBytes} bytes, {ErrorReplies} error replies, {ProtocolErrors} protocol errors, {ClosedByServer} connections closed by the server");
        text.AppendLine(CultureInfo.InvariantCulture, $"canary {CanaryChecks} checks; PING p50 {Percentile(0.5)} us, p99 {Percentile(0.99)} us, max {(pings.Length == 0 ? 0 : pings[^1])} us");
        text.AppendLine(CultureInfo.InvariantCulture, $"findings: {Findings.Count}");
        foreach (string finding in Findings)
        {
            text.AppendLine("  - " + finding);
        }
        return text.ToString();
    }
}
