using System.Diagnostics;
using Canaria.Local.Processes;

namespace Canaria.Local.Gateway;

/// <summary>
/// How the controller starts its gateway process: <c>canaria-gateway gateway --managed --state-dir DIR</c> (the native
/// executable, see <see cref="GatewayExecutable"/>) or <c>canaria gateway --managed --state-dir DIR</c>, in a session of its
/// own (so a signal to the controller's process group does not reach it), output to <c>logs/gateway.log</c>, no pipes to
/// the controller, and a clean environment: no secret of the controller's is handed to the data plane.
/// </summary>
internal static class GatewayLaunch
{
    /// <summary>Variables the gateway inherits: what a .NET program needs to start, and locale.</summary>
    public static readonly IReadOnlyList<string> AllowedEnvironment = ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "DOTNET_ROOT", "DOTNET_ROOT_X64", "DOTNET_ROOT_ARM64", "DOTNET_HOST_PATH", "CANARIA_GATEWAY_ENGINE", "CANARIA_GATEWAY_H2"];

    /// <summary>
    /// The command that runs `canaria` (when the native gateway cannot be used): this program when it is canaria, else canaria.dll next to this assembly (tests and
    /// embedders), through the dotnet host.
    /// </summary>
    public static IReadOnlyList<string> DefaultCommand()
    {
        var entry = System.Reflection.Assembly.GetEntryAssembly();
        var process = Environment.ProcessPath ?? "dotnet";
        var viaHost = Path.GetFileNameWithoutExtension(process) == "dotnet";
        if (entry?.GetName().Name == "canaria")
            return viaHost ? [process, entry.Location] : [process];
        var dll = Path.Combine(AppContext.BaseDirectory, "canaria.dll");
        var dotnet = viaHost ? process : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        return [dotnet, dll];
    }

    /// <summary>Only <see cref="AllowedEnvironment"/> of this process's variables reach the gateway's program.</summary>
    public static void UseCleanEnvironment(ProcessStartInfo start)
    {
        start.Environment.Clear();
        foreach (var name in AllowedEnvironment)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value) start.Environment[name] = value;
        }
    }

    public static Process Start(IReadOnlyList<string> command, string stateDirectory, string logPath, bool takeover, string? listenersFrom = null)
    {
        State.PrivateFiles.CreateDirectory(Path.GetDirectoryName(logPath)!);
        State.PrivateFiles.CreateOrTighten(logPath); // 0600: the shell's redirect would create it by the umask
        var setsid = ReplicaLauncher.SetSid;
        var start = new ProcessStartInfo(setsid ?? "/bin/sh") { UseShellExecute = false };
        if (setsid is not null) start.ArgumentList.Add("/bin/sh");
        foreach (var a in (string[])["-c", ReplicaLauncher.Script, "sh", logPath]) start.ArgumentList.Add(a);
        foreach (var a in command) start.ArgumentList.Add(a);
        foreach (var a in (string[])["gateway", "--managed", "--state-dir", stateDirectory]) start.ArgumentList.Add(a);
        if (takeover) start.ArgumentList.Add("--takeover");
        if (listenersFrom is not null)
        {
            start.ArgumentList.Add("--listeners-from");
            start.ArgumentList.Add(listenersFrom);
        }
        UseCleanEnvironment(start);
        start.Environment["NO_COLOR"] = "1";

        // The fast path's socket continuations run on the socket engine's thread (no hop to the thread pool per I/O):
        // measured in bench/gateway, about 40% less CPU per request and ~0 context switches instead of ~1 per request.
        start.Environment["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = start.Environment.TryGetValue("CANARIA_GATEWAY_ENGINE", out var engine)
            && string.Equals(engine, "kestrel", StringComparison.OrdinalIgnoreCase) ? "0" : "1";
        return Process.Start(start) ?? throw new InvalidOperationException($"could not start the gateway ({string.Join(' ', command)})");
    }
}
