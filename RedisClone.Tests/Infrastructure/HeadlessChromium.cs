using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RedisClone.Tests.Infrastructure;

/// <summary>
/// Debian's chromium, headless, driven over the Chrome DevTools Protocol (one page, a websocket): navigate, then read
/// the page with JavaScript until it shows what a test waits for. Blazor pages (the Aspire dashboard) render after
/// their own websocket connects, so a test polls the DOM under a deadline rather than taking the first load.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private int _lastId;

    private HeadlessChromium(Process process, string profile, ClientWebSocket socket)
    {
        _process = process;
        _profile = profile;
        _socket = socket;
        _receiving = Task.Run(ReceiveLoop);
    }

    /// <summary>The chromium binary on PATH, or null.</summary>
    public static string? Binary { get; } = ExternalTool.Find("chromium") ?? ExternalTool.Find("chromium-browser");

    /// <summary>Why a test that needs chromium cannot run, or null when it can.</summary>
    public static string? MissingReason =>
        Binary is null ? "chromium is not on PATH (apt-get install -y chromium; .ci/run installs it)" : null;

    /// <summary>
    /// Starts chromium with an empty page and a profile of its own, and attaches to the page.
    /// <paramref name="acceptAnyCertificate"/>: for https pages whose certificate only OpenSSL has been told to trust
    /// (chromium reads its own NSS store, which `dotnet dev-certs https --trust` fills only when certutil is there).
    /// </summary>
    public static async Task<HeadlessChromium> StartAsync(TimeSpan timeout, bool acceptAnyCertificate = false)
    {
        string binary = Binary ?? throw new InvalidOperationException(MissingReason);
        string profile = Directory.CreateTempSubdirectory("redisclone-chromium-").FullName;
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start. Port 0: chromium picks a free
        // port and writes it to DevToolsActivePort in the profile, so parallel runs never collide.
        foreach (string arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0", $"--user-data-dir={profile}", "--window-size=1600,1000", "about:blank",
        })
        {
            start.ArgumentList.Add(arg);
        }
        if (acceptAnyCertificate)
        {
            start.ArgumentList.Insert(0, "--ignore-certificate-errors");
        }
        Process process = Process.Start(start) ?? throw new InvalidOperationException($"{binary} did not start");
        var stderr = new StringBuilder();
        // Kept for the message when start-up fails; chromium goes on logging afterwards, hence the cap.
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                if (stderr.Length < 64 * 1024)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            using var deadline = new CancellationTokenSource(timeout);
            int port = await ReadDevToolsPort(profile, process, deadline.Token);
            using var http = new HttpClient();
            JsonArray targets = await http.GetFromJsonAsync<JsonArray>(
                new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/json/list"), deadline.Token)
                ?? throw new InvalidOperationException("chromium listed no targets");
            string pageSocket = targets.Select(t => t!.AsObject())
                .First(t => (string?)t["type"] == "page")["webSocketDebuggerUrl"]!.GetValue<string>();
            var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri(pageSocket), deadline.Token);
            return new HeadlessChromium(process, profile, socket);
        }
        catch (Exception ex)
        {
            Stop(process, profile);
            string log;
            lock (stderr)
            {
                log = stderr.ToString();
            }
            throw new InvalidOperationException($"chromium did not open its DevTools port within {timeout}: {ex.Message}\n{log}", ex);
        }
    }

    /// <summary>
    /// Loads <paramref name="url"/> in the page and waits for its document to finish loading (what a script renders
    /// afterwards is for <see cref="WaitUntilAsync"/>).
    /// </summary>
    public async Task NavigateAsync(Uri url, int seconds = 30)
    {
        JsonNode result = await CallAsync("Page.navigate", new JsonObject { ["url"] = url.ToString() });
        if (result["errorText"] is JsonNode error)
        {
            throw new InvalidOperationException($"chromium could not load {url}: {error}");
        }
        // Page.navigate answers once the new document is committed, so the readyState read here is the new page's.
        await WaitUntilAsync("document.readyState === 'complete'", $"{url} loaded", seconds);
    }

    /// <summary>Runs <paramref name="expression"/> in the page (awaiting a promise) and returns its JSON value.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        JsonNode result = await CallAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression,
            ["returnByValue"] = true,
            ["awaitPromise"] = true,
        });
        if (result["exceptionDetails"] is JsonNode exception)
        {
            throw new InvalidOperationException($"the page threw evaluating {expression}: {exception.ToJsonString()}");
        }
        return result["result"]?["value"];
    }

    /// <summary>What a person reads on the page: document.body.innerText.</summary>
    public async Task<string> TextAsync() =>
        (string?)await EvaluateAsync("document.body ? document.body.innerText : ''") ?? "";

    /// <summary>
    /// Evaluates <paramref name="expression"/> until it yields true, for at most <paramref name="seconds"/>; on
    /// timeout the message holds the page's text as it was last seen.
    /// </summary>
    public async Task WaitUntilAsync(string expression, string what, int seconds)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(seconds);
        string? lastError = null;
        while (true)
        {
            try
            {
                if ((await EvaluateAsync(expression))?.GetValueKind() == JsonValueKind.True)
                {
                    return;
                }
            }
            catch (InvalidOperationException ex)
            {
                // A page between two documents has no context to evaluate in (or no body yet): try again.
                lastError = ex.Message;
            }
            if (DateTime.UtcNow > deadline)
            {
                string text;
                try
                {
                    text = await TextAsync();
                }
                catch (InvalidOperationException ex)
                {
                    text = ex.Message;
                }
                throw new TimeoutException($"timed out after {seconds} s waiting for the page to show {what}" +
                    (lastError is null ? "" : $" (last error: {lastError})") + $"; the page read:\n{text}");
            }
            await Task.Delay(200);
        }
    }

    private async Task<JsonNode> CallAsync(string method, JsonObject parameters)
    {
        int id = Interlocked.Increment(ref _lastId);
        var reply = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        byte[] message = Encoding.UTF8.GetBytes(new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters }.ToJsonString());
        await _sending.WaitAsync();
        try
        {
            await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, _stop.Token);
        }
        finally
        {
            _sending.Release();
        }
        try
        {
            JsonNode response = await reply.Task.WaitAsync(CallTimeout);
            if (response["error"] is JsonNode error)
            {
                throw new InvalidOperationException($"{method} failed: {error.ToJsonString()}");
            }
            return response["result"] ?? new JsonObject();
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    // Replies carry the id of their call; events (no id) are not used and dropped.
    private async Task ReceiveLoop()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                WebSocketReceiveResult received = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }
                JsonNode? node = JsonNode.Parse(message.GetBuffer().AsSpan(0, (int)message.Length));
                message.SetLength(0);
                if (node?["id"] is JsonNode id && _pending.TryGetValue(id.GetValue<int>(), out TaskCompletionSource<JsonNode>? reply))
                {
                    reply.TrySetResult(node);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
        foreach (TaskCompletionSource<JsonNode> reply in _pending.Values)
        {
            reply.TrySetException(new IOException("chromium's DevTools connection closed"));
        }
    }

    private static async Task<int> ReadDevToolsPort(string profile, Process process, CancellationToken cancel)
    {
        string file = Path.Combine(profile, "DevToolsActivePort");
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"chromium exited with code {process.ExitCode}");
            }
            try
            {
                string[] lines = await File.ReadAllLinesAsync(file, cancel);
                if (lines.Length >= 1 && int.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port > 0)
                {
                    return port;
                }
            }
            catch (FileNotFoundException)
            {
            }
            await Task.Delay(50, cancel);
        }
    }

    private static void Stop(Process process, string profile)
    {
        try
        {
            if (!process.HasExited)
            {
                // Chromium's renderer, GPU and utility processes are its children: take them all.
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        process.Dispose();
        try
        {
            Directory.Delete(profile, recursive: true);
        }
        catch (IOException)
        {
            // A child still writing into the profile as it dies; the folder is under /tmp.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Abort();
        await _receiving;
        _socket.Dispose();
        Stop(_process, _profile);
        _stop.Dispose();
        _sending.Dispose();
    }
}
