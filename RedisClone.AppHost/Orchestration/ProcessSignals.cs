using System.Diagnostics;
using System.Runtime.InteropServices;

namespace RedisClone.AppHost.Orchestration;

/// <summary>Asks a child process to stop as Ctrl+C would (SIGTERM), where Process only offers a kill.</summary>
internal static class ProcessSignals
{
    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>Sends SIGTERM; false where there is no such signal (Windows) or the process is already gone.</summary>
    public static bool Terminate(Process process)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }
        try
        {
            return !process.HasExited && Kill(process.Id, SigTerm) == 0;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
