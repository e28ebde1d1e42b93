using System.Globalization;
using System.Runtime.InteropServices;
using RedisClone.Node.Util;

namespace RedisClone.Tests.Memory;

/// <summary>A big value received by the node asks for 2 MB pages; this checks the kernel really gives them.</summary>
public class HugePagesTests
{
    [HugePagesFact]
    public void An_advised_array_is_backed_by_huge_pages_once_written()
    {
        byte[] array = GC.AllocateUninitializedArray<byte>(64 * 1024 * 1024);
        HugePages.Advise(array);
        array.AsSpan().Fill(1);
        GCHandle pin = GCHandle.Alloc(array, GCHandleType.Pinned);
        try
        {
            long kib = AnonHugePagesKib(pin.AddrOfPinnedObject(), array.Length);
            Assert.True(kib >= 2048, $"the 64 MB array's mappings hold {kib} KiB of huge pages");
        }
        finally
        {
            pin.Free();
        }
    }

    /// <summary>AnonHugePages of every mapping in /proc/self/smaps that overlaps [start, start + length).</summary>
    private static long AnonHugePagesKib(long start, long length)
    {
        long total = 0;
        bool inside = false;
        foreach (string line in File.ReadLines("/proc/self/smaps"))
        {
            int dash = line.IndexOf('-');
            int space = line.IndexOf(' ');
            if (dash > 0 && space > dash && long.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, null, out long from)
                && long.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, null, out long to))
            {
                inside = from < start + length && to > start;
            }
            else if (inside && line.StartsWith("AnonHugePages:", StringComparison.Ordinal))
            {
                total += long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }
        return total;
    }
}

/// <summary>Skipped, with the reason, where the kernel has no transparent huge pages to give.</summary>
public sealed class HugePagesFactAttribute : FactAttribute
{
    private const string Mode = "/sys/kernel/mm/transparent_hugepage/enabled";

    public HugePagesFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(Mode))
        {
            Skip = "transparent huge pages are a Linux feature and this system has none";
        }
        else if (File.ReadAllText(Mode).Contains("[never]", StringComparison.Ordinal))
        {
            Skip = "transparent huge pages are turned off on this machine (" + Mode + " says never)";
        }
    }
}
