using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Compatibility;

/// <summary>One step of a script: what to send, on which connection, and whether a reply is expected.</summary>
public sealed record ScriptStep(int Connection, StepKind Kind, string[] Args, byte[] Bytes, string Source, ReplyOrder Order = ReplyOrder.AsSent);

/// <summary>
/// How a step's reply is compared. Redis answers a hashtable-encoded set or hash in its hash order, which another
/// server cannot reproduce: such replies are compared as multisets, every other byte (types, lengths) still exactly.
/// </summary>
public enum ReplyOrder
{
    /// <summary>Byte for byte.</summary>
    AsSent,
    /// <summary>The top-level elements of an aggregate reply in any order (<c>SORTED</c>).</summary>
    Sorted,
    /// <summary>As <see cref="Sorted"/>, consecutive elements taken as field-value pairs (<c>PAIRS</c>: HGETALL, WITHVALUES).</summary>
    SortedPairs,
    /// <summary>Only the first line: the type and length of a reply whose elements are random (<c>COUNT</c>: SPOP with a count).</summary>
    CountOnly,
    /// <summary>
    /// A SCAN-family reply (cursor, elements) whose elements are compared in any order (<c>SCANSORTED</c>), or as
    /// field-value pairs in any order (<c>SCANPAIRS</c>: HSCAN, ZSCAN); the cursor exactly. Only a scan that ends in
    /// one call (a COUNT above the collection's size) is the same on two servers.
    /// </summary>
    ScanSorted,
    /// <summary>See <see cref="ScanSorted"/>.</summary>
    ScanPairs,
}

public enum StepKind
{
    /// <summary>A command sent as a RESP multibulk request; its one reply is recorded.</summary>
    Command,
    /// <summary>Bytes sent as they are (inline commands, broken protocol); one reply is recorded.</summary>
    Raw,
    /// <summary>Bytes sent as they are, with no reply expected (nothing is read).</summary>
    Send,
    /// <summary>Records whether the server has closed the connection (a PING is answered only when open).</summary>
    ProbeClosed,
    /// <summary>Reads one more reply without sending anything (the rest of a pipeline sent by SEND or RAW).</summary>
    Read,
}

/// <summary>
/// A short command script, one step per line, run the same way against the node and against redis-server:
/// <list type="bullet">
/// <item><c>SET k "a b"</c>: a command; arguments are separated by spaces, double quotes allow spaces and C escapes
/// (<c>\r \n \t \\ \" \xNN</c>), <c>""</c> is an empty argument.</item>
/// <item><c>RAW text</c> / <c>SEND text</c>: the rest of the line, with the same escapes, sent as raw bytes, with or without reading a reply.</item>
/// <item><c>READ</c>: one more reply, for pipelines sent with SEND or RAW.</item>
/// <item><c>CLOSED?</c>: whether the server closed the connection.</item>
/// <item>A leading <c>@2</c> runs the step on a second connection (any digit; the default is <c>@1</c>).</item>
/// <item><c>SORTED cmd</c> / <c>PAIRS cmd</c>: a command whose reply is compared in any order; <c>COUNT cmd</c>: only its
/// type and length; <c>SCANSORTED cmd</c> / <c>SCANPAIRS cmd</c>: a one-call scan's elements in any order (<see cref="ReplyOrder"/>).</item>
/// </list>
/// </summary>
public static partial class DifferentialScript
{
    public static IReadOnlyList<ScriptStep> Parse(string text)
    {
        var steps = new List<ScriptStep>();
        foreach (string rawLine in text.Split('\n'))
        {
            string line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            int connection = 1;
            if (line[0] == '@')
            {
                connection = line[1] - '0';
                line = line[2..].TrimStart();
            }
            if (line.StartsWith("RAW ", StringComparison.Ordinal))
            {
                steps.Add(new ScriptStep(connection, StepKind.Raw, [], Unescape(line[4..]), line));
            }
            else if (line.StartsWith("SEND ", StringComparison.Ordinal))
            {
                steps.Add(new ScriptStep(connection, StepKind.Send, [], Unescape(line[5..]), line));
            }
            else if (line == "READ")
            {
                steps.Add(new ScriptStep(connection, StepKind.Read, [], [], line));
            }
            else if (line == "CLOSED?")
            {
                steps.Add(new ScriptStep(connection, StepKind.ProbeClosed, [], [], line));
            }
            else
            {
                ReplyOrder order = ReplyOrder.AsSent;
                if (line.StartsWith("SORTED ", StringComparison.Ordinal))
                {
                    order = ReplyOrder.Sorted;
                }
                else if (line.StartsWith("PAIRS ", StringComparison.Ordinal))
                {
                    order = ReplyOrder.SortedPairs;
                }
                else if (line.StartsWith("COUNT ", StringComparison.Ordinal))
                {
                    order = ReplyOrder.CountOnly;
                }
                else if (line.StartsWith("SCANSORTED ", StringComparison.Ordinal))
                {
                    order = ReplyOrder.ScanSorted;
                }
                else if (line.StartsWith("SCANPAIRS ", StringComparison.Ordinal))
                {
                    order = ReplyOrder.ScanPairs;
                }
                string command = order == ReplyOrder.AsSent ? line : line[(line.IndexOf(' ') + 1)..];
                string[] args = SplitArguments(command);
                steps.Add(new ScriptStep(connection, StepKind.Command, args, MultiBulk(args), line, order));
            }
        }
        return steps;
    }

    /// <summary>
    /// Runs <paramref name="steps"/> on fresh connections to <paramref name="port"/> after FLUSHALL (sent after AUTH when
    /// the server needs <paramref name="password"/>; the script's own connections start unauthenticated); one transcript
    /// entry per step.
    /// </summary>
    public static List<string> Run(int port, IReadOnlyList<ScriptStep> steps, string? password = null)
    {
        using (RawClient admin = RawClient.Connect(port))
        {
            if (password is not null && admin.Call("AUTH", password) != "+OK\r\n")
            {
                throw new InvalidOperationException($"AUTH on port {port} failed");
            }
            string flushed = admin.Call("FLUSHALL");
            if (flushed != "+OK\r\n")
            {
                throw new InvalidOperationException($"FLUSHALL on port {port} answered {flushed}");
            }
        }
        var connections = new Dictionary<int, RawClient>();
        var dead = new HashSet<int>();
        var transcript = new List<string>();
        try
        {
            foreach (ScriptStep step in steps)
            {
                if (!connections.TryGetValue(step.Connection, out RawClient? client))
                {
                    client = RawClient.Connect(port);
                    connections[step.Connection] = client;
                }
                if (dead.Contains(step.Connection))
                {
                    transcript.Add("<connection closed>");
                    continue;
                }
                transcript.Add(RunStep(client, step, () => dead.Add(step.Connection)));
            }
        }
        finally
        {
            foreach (RawClient client in connections.Values)
            {
                client.Dispose();
            }
        }
        return transcript;
    }

    private static string RunStep(RawClient client, ScriptStep step, Action markDead)
    {
        try
        {
            switch (step.Kind)
            {
                case StepKind.Send:
                    client.Send(step.Bytes);
                    return "<sent>";
                case StepKind.Read:
                    return MaskHello(Show(client.ReadReplyBytes()));
                case StepKind.ProbeClosed:
                    client.Command("PING");
                    string answer = Show(client.ReadReplyBytes());
                    return "open (PING answered " + answer + ")";
                default:
                    client.Send(step.Bytes);
                    return MaskHello(Show(InOrder(client.ReadReplyBytes(), step.Order)));
            }
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException)
        {
            markDead();
            return step.Kind == StepKind.ProbeClosed ? "closed" : "<connection closed>";
        }
        catch (OperationCanceledException)
        {
            markDead();
            return "<no reply before the deadline>";
        }
    }

    /// <summary>
    /// HELLO's reply (on its own or inside EXEC's) carries the server version and the client id, which differ between
    /// any two servers; they are replaced by placeholders so that everything else in the reply (types, keys, order) is
    /// still compared exactly. Only a "version" key followed by a dotted number and an "id" key followed by an integer
    /// are touched, so scripts avoid values shaped like those.
    /// </summary>
    private static string MaskHello(string reply)
    {
        reply = VersionField().Replace(reply, "$$7\\r\\nversion\\r\\n<version>\\r\\n");
        return IdField().Replace(reply, "$$2\\r\\nid\\r\\n<id>\\r\\n");
    }

    [GeneratedRegex(@"\$7\\r\\nversion\\r\\n\$\d+\\r\\n[0-9.]+\\r\\n")]
    private static partial Regex VersionField();

    [GeneratedRegex(@"\$2\\r\\nid\\r\\n:\d+\\r\\n")]
    private static partial Regex IdField();

    /// <summary>
    /// An aggregate reply with its top-level elements (or element pairs) sorted, so two servers' replies compare equal
    /// when they hold the same elements; anything else is returned as it is.
    /// </summary>
    public static byte[] InOrder(byte[] reply, ReplyOrder order)
    {
        if (order == ReplyOrder.AsSent || reply.Length == 0 || (order != ReplyOrder.CountOnly && reply[0] is not ((byte)'*' or (byte)'~' or (byte)'%')))
        {
            return reply;
        }
        int headerEnd = Array.IndexOf(reply, (byte)'\n') + 1;
        if (order == ReplyOrder.CountOnly)
        {
            return reply[..headerEnd];
        }
        if (order is ReplyOrder.ScanSorted or ReplyOrder.ScanPairs)
        {
            int cursorEnd = ElementEnd(reply, headerEnd);
            if (cursorEnd >= reply.Length)
            {
                return reply;
            }
            byte[] scanned = InOrder(reply[cursorEnd..ElementEnd(reply, cursorEnd)], order == ReplyOrder.ScanPairs ? ReplyOrder.SortedPairs : ReplyOrder.Sorted);
            return [.. reply[..cursorEnd], .. scanned];
        }
        var elements = new List<byte[]>();
        for (int p = headerEnd; p < reply.Length;)
        {
            int end = ElementEnd(reply, p);
            elements.Add(reply[p..end]);
            p = end;
        }
        bool pairs = reply[0] == '%' || (order == ReplyOrder.SortedPairs && elements.All(e => e[0] is not ((byte)'*' or (byte)'%')));
        var units = new List<byte[]>();
        for (int i = 0; i < elements.Count; i += pairs ? 2 : 1)
        {
            units.Add(pairs && i + 1 < elements.Count ? [.. elements[i], .. elements[i + 1]] : elements[i]);
        }
        units.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        return [.. reply[..headerEnd], .. units.SelectMany(u => u)];
    }

    /// <summary>Where the RESP value starting at <paramref name="p"/> ends.</summary>
    private static int ElementEnd(byte[] reply, int p)
    {
        int lineEnd = Array.IndexOf(reply, (byte)'\n', p) + 1;
        byte type = reply[p];
        if (type is (byte)'$' or (byte)'=' or (byte)'!')
        {
            int length = int.Parse(Encoding.ASCII.GetString(reply, p + 1, lineEnd - p - 3), CultureInfo.InvariantCulture);
            return length < 0 ? lineEnd : lineEnd + length + 2;
        }
        if (type is (byte)'*' or (byte)'~' or (byte)'%' or (byte)'>')
        {
            int count = int.Parse(Encoding.ASCII.GetString(reply, p + 1, lineEnd - p - 3), CultureInfo.InvariantCulture);
            int end = lineEnd;
            for (int i = 0; i < (type == '%' ? count * 2 : Math.Max(count, 0)); i++)
            {
                end = ElementEnd(reply, end);
            }
            return end;
        }
        return lineEnd;
    }

    /// <summary>Reply bytes as readable text: printable ASCII as is, everything else escaped (so CRLF shows as \r\n).</summary>
    /// <summary>
    /// A run, one line per step, "!! " before each whose replies differ, followed by redis-server's reply and the
    /// node's; with <paramref name="everyReply"/>, redis-server's reply under every step.
    /// </summary>
    public static string Report(IReadOnlyList<string> sources, List<string> expected, List<string> actual, bool everyReply)
    {
        var report = new StringBuilder();
        for (int i = 0; i < sources.Count; i++)
        {
            bool same = expected[i] == actual[i];
            report.Append(same ? "   " : "!! ").AppendLine(sources[i]);
            if (everyReply || !same)
            {
                report.Append("     redis: ").AppendLine(expected[i]);
            }
            if (!same)
            {
                report.Append("     node:  ").AppendLine(actual[i]);
            }
        }
        return report.ToString();
    }

    public static string Show(byte[] bytes)
    {
        var text = new StringBuilder(bytes.Length + 16);
        foreach (byte b in bytes)
        {
            switch (b)
            {
                case (byte)'\r':
                    text.Append("\\r");
                    break;
                case (byte)'\n':
                    text.Append("\\n");
                    break;
                case (byte)'\\':
                    text.Append("\\\\");
                    break;
                case >= 0x20 and < 0x7f:
                    text.Append((char)b);
                    break;
                default:
                    text.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
                    break;
            }
        }
        return text.ToString();
    }

    private static byte[] MultiBulk(string[] args)
    {
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.ASCII.GetBytes($"*{args.Length}\r\n"));
        foreach (string arg in args)
        {
            byte[] value = Encoding.Latin1.GetBytes(arg);
            bytes.AddRange(Encoding.ASCII.GetBytes($"${value.Length}\r\n"));
            bytes.AddRange(value);
            bytes.AddRange("\r\n"u8.ToArray());
        }
        return bytes.ToArray();
    }

    /// <summary>Splits a command line; each argument is kept as bytes in a Latin-1 string (so \xNN means byte NN).</summary>
    private static string[] SplitArguments(string line)
    {
        var args = new List<string>();
        int p = 0;
        while (p < line.Length)
        {
            if (line[p] == ' ')
            {
                p++;
                continue;
            }
            var arg = new StringBuilder();
            if (line[p] == '"')
            {
                int end = p + 1;
                while (line[end] != '"')
                {
                    end += line[end] == '\\' ? 2 : 1;
                }
                arg.Append(Encoding.Latin1.GetString(Unescape(line[(p + 1)..end])));
                p = end + 1;
            }
            else
            {
                int end = line.IndexOf(' ', p);
                end = end < 0 ? line.Length : end;
                arg.Append(Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(line[p..end])));
                p = end;
            }
            args.Add(arg.ToString());
        }
        return args.ToArray();
    }

    /// <summary>UTF-8 bytes of <paramref name="text"/> with C escapes (\r \n \t \\ \" \xNN) turned into the bytes they name.</summary>
    private static byte[] Unescape(string text)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 == text.Length)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
                continue;
            }
            char next = text[++i];
            switch (next)
            {
                case 'r':
                    bytes.Add((byte)'\r');
                    break;
                case 'n':
                    bytes.Add((byte)'\n');
                    break;
                case 't':
                    bytes.Add((byte)'\t');
                    break;
                case 'x':
                    bytes.Add(byte.Parse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    break;
                default:
                    bytes.Add((byte)next);
                    break;
            }
        }
        return bytes.ToArray();
    }
}

/// <summary>Runs a script on redis-server and on the node and requires the same reply bytes for every step.</summary>
[Collection(DifferentialCollection.Name)]
public abstract class DifferentialTestBase
{
    private readonly DifferentialFixture _fixture;

    protected DifferentialTestBase(DifferentialFixture fixture) => _fixture = fixture;

    protected DifferentialFixture Fixture => _fixture;

    protected void AssertSameReplies(string script)
    {
        IReadOnlyList<ScriptStep> steps = DifferentialScript.Parse(script);
        Assert.NotEmpty(steps);
        Assert.True(_fixture.Redis.Available, "redis-server is not running:\n" + _fixture.Redis.Log);
        List<string> expected = DifferentialScript.Run(_fixture.Redis.Port, steps, _fixture.Password);
        List<string> actual = DifferentialScript.Run(_fixture.Node.Port, steps, _fixture.Password);
        string[] sources = steps.Select(s => $"[c{s.Connection}] {s.Source}").ToArray();
        Assert.True(expected.SequenceEqual(actual),
            "the node's replies differ from redis-server's (!! marks each difference):\n" + DifferentialScript.Report(sources, expected, actual, everyReply: true));
    }
}
