using System.Globalization;

namespace Canaria.Gateway.Managed;

/// <summary>
/// Where a controller-managed gateway keeps its files, under the controller's state directory: <c>gateway/</c> (0700)
/// with the last applied config, the running gateway's record, and its per-process admin and handover sockets (0600).
/// </summary>
internal sealed class ManagedGatewayPaths
{
    /// <summary>sun_path is 108 bytes on Linux, the terminating NUL included.</summary>
    private const int MaxSocketPathBytes = 107;
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public ManagedGatewayPaths(string stateDirectory)
    {
        StateDirectory = Path.GetFullPath(stateDirectory);
        Directory = Path.Combine(StateDirectory, "gateway");
    }

    public string StateDirectory { get; }

    public string Directory { get; }

    /// <summary>The last config the gateway applied (canonical JSON), written atomically on every change.</summary>
    public string ConfigFile => Path.Combine(Directory, "config.json");

    /// <summary>The record of the gateway process that serves now (<see cref="ManagedGatewayInfo"/>).</summary>
    public string InfoFile => Path.Combine(Directory, "gateway.json");

    public string TokenFile => Path.Combine(StateDirectory, "token");

    public string LogFile => Path.Combine(StateDirectory, "logs", "gateway.log");

    public string AdminSocket(int pid) => Path.Combine(Directory, "admin-" + pid.ToString(CultureInfo.InvariantCulture) + ".sock");

    public string HandoverSocket(int pid) => Path.Combine(Directory, "handover-" + pid.ToString(CultureInfo.InvariantCulture) + ".sock");

    /// <summary>Creates the directory (0700); null when the socket paths would be too long for a Unix socket, else an error.</summary>
    public string? Prepare()
    {
        if (OperatingSystem.IsWindows()) return "the managed gateway runs on Linux only";
        System.IO.Directory.CreateDirectory(Directory, PrivateDirectory);
        File.SetUnixFileMode(Directory, PrivateDirectory);
        var longest = HandoverSocket(int.MaxValue);
        return System.Text.Encoding.UTF8.GetByteCount(longest) > MaxSocketPathBytes
            ? $"the state directory path is too long for the gateway's Unix sockets ({longest} is over {MaxSocketPathBytes} bytes); use a shorter --state-dir"
            : null;
    }
}
