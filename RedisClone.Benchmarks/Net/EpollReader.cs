using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace RedisClone.Benchmarks.Net;

/// <summary>Something an <see cref="EpollReader"/> calls when its socket has bytes (or was closed).</summary>
public interface IReadableSocket
{
    /// <summary>Reads what is there without blocking; false once the socket is done (closed or failed).</summary>
    bool OnReadable();
}

/// <summary>
/// One thread that waits on many sockets with level-triggered epoll and reads each ready one once. Compared with
/// async receives this costs one recv per wake-up instead of two (no speculative read that finds nothing) and no
/// hand-off to the thread pool: on a small machine the tool then leaves the CPU to the server under test.
/// Linux only (see <see cref="IsSupported"/>); elsewhere the subscribers use async receives.
/// </summary>
public sealed class EpollReader : IDisposable
{
    private const int MaxEvents = 256;
    private const int WaitMilliseconds = 50;

    // struct epoll_event is packed on x86-64 (12 bytes), naturally aligned elsewhere (16 bytes).
    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private readonly int _epoll;
    private readonly IReadableSocket?[] _handlers;
    private readonly int[] _fds;
    private readonly Thread _thread;
    private int _count;
    private volatile bool _stopping;

    /// <param name="name">the thread's name</param>
    /// <param name="capacity">how many sockets will be added at most</param>
    public EpollReader(string name, int capacity)
    {
        _handlers = new IReadableSocket?[capacity];
        _fds = new int[capacity];
        _epoll = Libc.EpollCreate(Libc.EpollCloseOnExec);
        if (_epoll < 0)
        {
            throw new InvalidOperationException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
        }
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    private static readonly Lazy<bool> Supported = new(Probe);

    /// <summary>Linux on x64 or arm64 with a C library that has epoll (probed once).</summary>
    public static bool IsSupported => Supported.Value;

    /// <summary>Failure of the loop itself (not of one socket), reported at the end.</summary>
    public string? Failure { get; private set; }

    /// <summary>Starts watching <paramref name="fd"/>; may be called from any thread while the loop runs.</summary>
    public void Add(int fd, IReadableSocket handler)
    {
        int slot = Interlocked.Increment(ref _count) - 1;
        _fds[slot] = fd;
        // Published before epoll_ctl: the loop can only see an event for this slot after the call.
        Volatile.Write(ref _handlers[slot], handler);
        byte[] request = new byte[EventSize];
        BinaryPrimitives.WriteUInt32LittleEndian(request, Libc.EpollIn | Libc.EpollReadHangUp);
        BinaryPrimitives.WriteUInt64LittleEndian(request.AsSpan(DataOffset), (ulong)slot);
        if (Libc.EpollControl(_epoll, Libc.EpollCtlAdd, fd, request) != 0)
        {
            throw new InvalidOperationException($"epoll_ctl(ADD) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
        {
            return false;
        }
        try
        {
            int epoll = Libc.EpollCreate(Libc.EpollCloseOnExec);
            if (epoll < 0)
            {
                return false;
            }
            _ = Libc.Close(epoll);
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private void Run()
    {
        byte[] events = new byte[MaxEvents * EventSize];
        while (!_stopping)
        {
            int ready = Libc.EpollWait(_epoll, events, MaxEvents, WaitMilliseconds);
            if (ready < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EINTR)
                {
                    continue;
                }
                Failure = $"epoll_wait failed: errno {errno}";
                return;
            }
            for (int i = 0; i < ready; i++)
            {
                int slot = (int)BinaryPrimitives.ReadUInt64LittleEndian(events.AsSpan((i * EventSize) + DataOffset));
                IReadableSocket? handler = Volatile.Read(ref _handlers[slot]);
                if (handler is not null && !ReadSafely(handler))
                {
                    Remove(slot);
                }
            }
        }
    }

    /// <summary>A bug in one handler must end that socket's reading, not the process (this is not a pool thread).</summary>
    private bool ReadSafely(IReadableSocket handler)
    {
        try
        {
            return handler.OnReadable();
        }
        catch (Exception ex)
        {
            Failure ??= $"reader thread: {ex}";
            return false;
        }
    }

    private void Remove(int slot)
    {
        _handlers[slot] = null;
        // A done socket stays readable (end of stream): without this the level-triggered loop would spin on it.
        _ = Libc.EpollControl(_epoll, Libc.EpollCtlDelete, _fds[slot], new byte[EventSize]);
    }

    /// <summary>Stops the thread and waits for it: after this no handler runs, so sockets can be closed safely.</summary>
    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
        _ = Libc.Close(_epoll);
    }
}
