using System.Diagnostics;
using System.Globalization;
using Canaria.Local.State;

namespace Canaria.Local.Processes;

/// <summary>
/// Starts a replica process whose stdout and stderr go straight to its log file (the child opens it: no pipes to
/// the supervisor, so a killed controller does not take its replicas down with SIGPIPE).
/// </summary>
internal sealed class ReplicaLauncher(string stateDirectory, ReplicaSupervisorOptions options)
{
    /// <summary>$1 = log file, the rest = program and arguments. exec keeps the pid: the pid tracked is the program's.</summary>
    internal const string Script = "log=$1; shift; exec \"$@\" >>\"$log\" 2>&1 </dev/null";

    /// <summary>setsid, to start a process in a session of its own (no signal to the controller's group reaches it).</summary>
    internal static readonly string? SetSid = File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : File.Exists("/bin/setsid") ? "/bin/setsid" : null;

    public string LogPathOf(string setKey, int index) =>
        Path.Combine(stateDirectory, "logs", setKey, index.ToString(CultureInfo.InvariantCulture) + ".log");

    public Process Launch(ReplicaTemplate template, string setKey, int index, int port)
    {
        var logPath = LogPathOf(setKey, index);
        PrepareLog(logPath);
        var instance = $"{template.Version}-{index.ToString(CultureInfo.InvariantCulture)}";
        string Expand(string value) => value
            .Replace("{port}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{version}", template.Version, StringComparison.Ordinal)
            .Replace("{replica}", index.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{instance}", instance, StringComparison.Ordinal);

        var start = new ProcessStartInfo(options.NewSession && SetSid is not null ? SetSid : "/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = template.WorkingDirectory is { } wd ? Expand(wd) : "",
        };
        if (start.FileName != "/bin/sh")
            start.ArgumentList.Add("/bin/sh");
        foreach (var argument in (string[])["-c", Script, "sh", logPath, Expand(template.FileName)])
            start.ArgumentList.Add(argument);
        foreach (var argument in template.Arguments)
            start.ArgumentList.Add(Expand(argument));
        // A clean environment: the allow-list and the template's inheritEnv, never the rest of the controller's
        // (it may hold secrets for analysis checks and webhooks).
        start.Environment.Clear();
        foreach (var (key, value) in ReplicaEnvironment.Inherited(Environment.GetEnvironmentVariables(), template.InheritEnvironment))
            start.Environment[key] = value;
        start.Environment["CANARIA_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["CANARIA_VERSION"] = template.Version;
        start.Environment["CANARIA_REPLICA"] = index.ToString(CultureInfo.InvariantCulture);
        start.Environment["CANARIA_INSTANCE"] = instance;
        foreach (var (key, value) in template.Environment)
            start.Environment[key] = Expand(value);
        return Process.Start(start) ?? throw new InvalidOperationException($"could not start {template.FileName}");
    }

    /// <summary>
    /// Creates the log folders (0700) and the log file (0600: the shell's redirect would create it by the umask), and
    /// rotates a log above the size limit to <c>.log.1</c>.
    /// </summary>
    private void PrepareLog(string logPath)
    {
        PrivateFiles.CreateDirectory(Path.Combine(stateDirectory, "logs"));
        PrivateFiles.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var info = new FileInfo(logPath);
        if (info.Exists && info.Length > options.MaxLogBytes)
            File.Move(logPath, logPath + ".1", overwrite: true);
        PrivateFiles.CreateOrTighten(logPath);
    }
}
