using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Compatibility;

/// <summary>
/// A real redis-server on a free loopback port, without persistence, stopped (by its PID) with the fixture.
/// When redis-server is not installed nothing starts: the tests that need it are skipped by <see cref="RequiresToolTheoryAttribute"/>.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(15);
    private readonly StringBuilder _log = new();
    private readonly string[] _extraArgs;
    private readonly string? _password;
    private Process? _process;
    private string? _directory;

    public RedisServerFixture()
        : this(null)
    {
    }

    /// <summary>A redis-server that requires <paramref name="password"/> (--requirepass), when it is given.</summary>
    internal RedisServerFixture(string? password)
    {
        _password = password;
        _extraArgs = password is null ? [] : ["--requirepass", password];
    }

    public int Port { get; private set; }

    public bool Available => _process is not null;

    /// <summary>What redis-server printed, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        string? executable = ExternalTool.Find("redis-server");
        if (executable is null)
        {
            return;
        }
        _directory = Directory.CreateTempSubdirectory("redisclone-redis-").FullName;
        // The port is free when picked but could be taken before redis-server binds it: try a few.
        for (int attempt = 0; attempt < 3; attempt++)
        {
            Port = FreePort();
            Process process = Start(executable, Port);
            if (await WaitUntilReadyAsync(process))
            {
                _process = process;
                return;
            }
            Stop(process);
        }
        throw new InvalidOperationException($"redis-server did not start:\n{Log}");
    }

    private Process Start(string executable, int port)
    {
        var info = new ProcessStartInfo(executable)
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", .. _extraArgs])
        {
            info.ArgumentList.Add(arg);
        }
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    /// <summary>Polls with PING until redis-server answers, it exits, or the deadline passes.</summary>
    private async Task<bool> WaitUntilReadyAsync(Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartDeadline)
        {
            if (process.HasExited)
            {
                return false;
            }
            try
            {
                using RawClient client = RawClient.Connect(Port);
                if (_password is not null && client.Call("AUTH", _password) != "+OK\r\n")
                {
                    return false;
                }
                if (client.Call("PING") == "+PONG\r\n")
                {
                    return true;
                }
            }
            catch (SocketException)
            {
                // Not listening yet.
            }
            catch (IOException)
            {
                // Accepted and closed while starting.
            }
            await Task.Delay(20);
        }
        return false;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
    }

    public RawClient Raw() => RawClient.Connect(Port);

    public Task DisposeAsync()
    {
        if (_process is not null)
        {
            Stop(_process);
            _process = null;
        }
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
        return Task.CompletedTask;
    }
}

/// <summary>The node and a real redis-server side by side, shared by every differential test (they run one at a time).</summary>
public class DifferentialFixture : IAsyncLifetime
{
    public DifferentialFixture()
        : this(null)
    {
    }

    /// <summary>Both servers require <paramref name="password"/>, when it is given.</summary>
    protected DifferentialFixture(string? password)
    {
        Password = password;
        Node = password is null ? new NodeFixture() : new NodeFixture("--requirepass", password);
        Redis = new RedisServerFixture(password);
    }

    /// <summary>The password both servers require, or null.</summary>
    public string? Password { get; }

    public NodeFixture Node { get; }

    public RedisServerFixture Redis { get; }

    public async Task InitializeAsync()
    {
        await Node.InitializeAsync();
        await Redis.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Redis.DisposeAsync();
        await Node.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class DifferentialCollection : ICollectionFixture<DifferentialFixture>
{
    public const string Name = "Differential (node vs redis-server)";
}

/// <summary>The node and redis-server, both requiring the password "s3cret".</summary>
public sealed class PasswordDifferentialFixture() : DifferentialFixture("s3cret");

[CollectionDefinition(Name)]
public sealed class PasswordDifferentialCollection : ICollectionFixture<PasswordDifferentialFixture>
{
    public const string Name = "Differential with requirepass (node vs redis-server)";
}
