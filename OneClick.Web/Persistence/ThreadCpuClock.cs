using System.Runtime.InteropServices;

namespace OneClick.Web.Persistence;

/// <summary>
/// The calling thread's CPU time (Linux's <c>CLOCK_THREAD_CPUTIME_ID</c>: a system call, unlike the
/// wall clocks, so read sparingly). The write gate sums it over a sample of its turns: how much of a
/// turn is work, how much waiting for a core (decision 023).
/// </summary>
internal static class ThreadCpuClock
{
    private const int ThreadCpuTimeId = 3;

    /// <summary>Nanoseconds of CPU this thread has used, or null where the clock is not asked (not Linux) or fails.</summary>
    public static long? Now()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        return NativeMethods.clock_gettime(ThreadCpuTimeId, out var time) == 0 ? (time.Seconds * 1_000_000_000) + time.Nanoseconds : null;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "clock_gettime")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int clock_gettime(int clock, out TimeSpec time);
    }
}
