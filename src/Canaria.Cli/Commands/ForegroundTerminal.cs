using System.Runtime.InteropServices;

namespace Canaria.Cli.Commands;

/// <summary>
/// Whether this process may read its terminal: standard input is a terminal and this process is the terminal's foreground
/// process group. A background job (`kubectl canaria dashboard &`) that reads its terminal is stopped by the kernel
/// (SIGTTIN/SIGTTOU) and would hang every browser it serves, so it must not read at all.
/// </summary>
internal static class ForegroundTerminal
{
    public static bool CanRead()
    {
        if (Console.IsInputRedirected) return false;
        if (OperatingSystem.IsWindows()) return true;
        try
        {
            var foreground = TcGetPgrp(0);
            return foreground > 0 && foreground == GetPgrp();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // cannot tell: not reading is safe, reading may stop the process
        }
    }

    [DllImport("libc", EntryPoint = "tcgetpgrp")]
    private static extern int TcGetPgrp(int fd);

    [DllImport("libc", EntryPoint = "getpgrp")]
    private static extern int GetPgrp();
}
