using System.Globalization;
using System.Runtime.InteropServices;

namespace Canaria.Local.Processes;

/// <summary>Signals and /proc facts about processes by pid (Linux).</summary>
internal static partial class UnixProcess
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>Sends <paramref name="signal"/>; false when the process does not exist (or is not ours).</summary>
    public static bool Signal(int pid, int signal) => pid > 0 && Kill(pid, signal) == 0;

    /// <summary>
    /// The process start time (clock ticks since boot, /proc/&lt;pid&gt;/stat field 22), or null when there is no
    /// such process or it is a zombie (exited, not yet reaped).
    /// </summary>
    public static ulong? ReadStartTime(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        // "pid (comm) S ppid ..." — comm may contain spaces and parentheses: fields start after the last ')'.
        var close = stat.LastIndexOf(')');
        if (close < 0)
            return null;
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 20 || fields[0] is "Z" or "X" or "x")
            return null;
        return ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? start : null;
    }

    /// <summary>True when <paramref name="pid"/> runs and is the same process (same start time), not a reused pid.</summary>
    public static bool IsAlive(int pid, ulong startTime) => pid > 0 && ReadStartTime(pid) == startTime;

    /// <summary>The program file <paramref name="pid"/> runs (/proc/&lt;pid&gt;/exe), or null when it cannot be read.</summary>
    public static string? Executable(int pid)
    {
        try
        {
            return File.ResolveLinkTarget($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/exe", returnFinalTarget: false)?.FullName;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// <paramref name="path"/> as the kernel names the file (realpath(3): absolute, every symlink and <c>..</c> resolved),
    /// the form /proc/&lt;pid&gt;/exe shows; the full path unchanged when it cannot be resolved (e.g. it does not exist).
    /// </summary>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var resolved = RealPathOf(full, 0);
        if (resolved == 0) return full;
        try
        {
            return Marshal.PtrToStringUTF8(resolved) ?? full;
        }
        finally
        {
            Free(resolved);
        }
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint RealPathOf(string path, nint resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(nint pointer);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
