namespace RedisClone.AppHost.Orchestration;

/// <summary>
/// The AppHost's console: node output and AppHost messages, each line prefixed with where it came from, and the
/// resource table. On a terminal the table stays under the log, redrawn in place at every change; otherwise (a file, a
/// pipe, a test) it is printed again at the next tick (1 s) after a row changed, and once a minute.
/// </summary>
internal sealed class ConsoleView(TextWriter output, bool interactive, int sourceWidth)
{
    public const string AppHostSource = "apphost";
    private static readonly TimeSpan PlainReprint = TimeSpan.FromMinutes(1);
    private readonly Lock _lock = new();
    private IReadOnlyList<string> _table = [];
    private int _footerLines;
    private string _lastPrinted = "";
    private DateTime _lastPrintedAt = DateTime.MinValue;

    public static ConsoleView ForConsole(int sourceWidth) =>
        new(Console.Out, !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "dumb"), sourceWidth);

    /// <summary>A line from a node (or the AppHost), as "node1   | text".</summary>
    public void Log(string source, string line)
    {
        lock (_lock)
        {
            ClearFooter();
            output.Write(source.PadRight(sourceWidth));
            output.Write(" | ");
            output.WriteLine(line);
            DrawFooter();
        }
    }

    public void Announce(string line) => Log(AppHostSource, line);

    /// <summary>
    /// Shows the table: redrawn on a terminal; otherwise printed from the <paramref name="tick"/> only, when it changed
    /// or was last printed a minute ago (a burst of changes, as at start, prints it once).
    /// </summary>
    public void ShowTable(IReadOnlyList<ResourceSnapshot> rows, bool tick = false)
    {
        if (!interactive && !tick)
        {
            return;
        }
        IReadOnlyList<string> table = ResourceTable.Lines(rows);
        lock (_lock)
        {
            if (interactive)
            {
                if (table.SequenceEqual(_table))
                {
                    return;
                }
                ClearFooter();
                _table = table;
                DrawFooter();
                return;
            }
            string text = string.Join('\n', table);
            if (text == _lastPrinted && DateTime.UtcNow - _lastPrintedAt < PlainReprint)
            {
                return;
            }
            _lastPrinted = text;
            _lastPrintedAt = DateTime.UtcNow;
            foreach (string line in table)
            {
                output.WriteLine(line);
            }
        }
    }

    /// <summary>Leaves the table where it is (the last thing on screen) when the AppHost ends.</summary>
    public void Detach()
    {
        lock (_lock)
        {
            _footerLines = 0;
            _table = [];
        }
    }

    private void ClearFooter()
    {
        if (_footerLines > 0)
        {
            // Cursor up to the table's first line, then erase to the end of the screen.
            output.Write($"\u001b[{_footerLines}F\u001b[J");
            _footerLines = 0;
        }
    }

    private void DrawFooter()
    {
        if (!interactive || _table.Count == 0)
        {
            return;
        }
        int width = TerminalWidth();
        foreach (string line in _table)
        {
            // A wrapped line would throw off the count of lines to move up over.
            output.WriteLine(line.Length < width ? line : line[..Math.Max(0, width - 1)]);
        }
        _footerLines = _table.Count;
    }

    private static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 120;
        }
        catch (IOException)
        {
            return 120;
        }
    }
}
