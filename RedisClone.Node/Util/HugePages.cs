using System.Runtime.InteropServices;

namespace RedisClone.Node.Util;

/// <summary>
/// Asks Linux to back a big, not yet touched array with 2 MB pages. Filling a fresh 100 MB value costs 25,600 page
/// faults of 4 KB, and on a virtual machine each fault is dear: they were the largest single cost of a 100 MB SET.
/// With transparent huge pages in "madvise" mode (the common default) it takes 50. Only advice: where the kernel has
/// none to give, or the system is not Linux, nothing changes.
/// </summary>
internal static class HugePages
{
    /// <summary>Arrays smaller than this are not worth a system call (they would span at most one huge page).</summary>
    public const int MinimumLength = 4 * 1024 * 1024;

    private const int HugePageSize = 2 * 1024 * 1024;
    private const int MadvHugePage = 14;

    /// <summary>Advises the whole 2 MB pages inside <paramref name="array"/>; call it before the array is written.</summary>
    public static void Advise(byte[] array)
    {
        if (array.Length < MinimumLength || !OperatingSystem.IsLinux())
        {
            return;
        }
        // A large array does not move unless the heap is compacted on purpose; if it ever does, only the advice is lost.
        GCHandle pin = GCHandle.Alloc(array, GCHandleType.Pinned);
        try
        {
            long start = pin.AddrOfPinnedObject();
            long first = (start + HugePageSize - 1) & ~(long)(HugePageSize - 1);
            long end = (start + array.Length) & ~(long)(HugePageSize - 1);
            if (end > first)
            {
                _ = Madvise((nint)first, (nuint)(end - first), MadvHugePage);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A Linux without a loadable libc madvise (none known): the advice is only an optimisation.
        }
        finally
        {
            pin.Free();
        }
    }

    // DllImport rather than LibraryImport: the arguments are plain numbers, and LibraryImport needs unsafe code.
    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int Madvise(nint address, nuint length, int advice);
}
