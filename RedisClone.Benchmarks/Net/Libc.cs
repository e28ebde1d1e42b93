using System.Runtime.InteropServices;

namespace RedisClone.Benchmarks.Net;

/// <summary>The few Linux calls the epoll reader needs. Byte arrays and refs are blittable: pinned, never copied.</summary>
internal static class Libc
{
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EpollCtlAdd = 1;
    public const int EpollCtlDelete = 2;
    public const uint EpollIn = 0x001;
    public const uint EpollError = 0x008;
    public const uint EpollHangUp = 0x010;
    public const uint EpollReadHangUp = 0x2000;
    public const int EpollCloseOnExec = 0x80000;
    public const int MsgDontWait = 0x40;

    [DllImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static extern int EpollCreate(int flags);

    [DllImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static extern int EpollControl(int epoll, int operation, int fd, byte[] epollEvent);

    [DllImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static extern int EpollWait(int epoll, [Out] byte[] events, int maxEvents, int timeoutMilliseconds);

    [DllImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static extern nint Receive(int fd, ref byte buffer, nuint length, int flags);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    public static extern int Close(int fd);
}
