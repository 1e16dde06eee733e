using System.CommandLine;
using System.Globalization;

namespace Canaria.Cli.Cluster;

/// <summary>
/// The options that point a verb at a Kubernetes cluster instead of the local controller, and the rule that picks the
/// mode: cluster when the program runs as <c>kubectl-canaria</c>, or when --cluster, --kubeconfig, --context or
/// --namespace is given; otherwise local (the controller found through --state-dir). No environment variable or
/// running process changes the choice, so the same command line always talks to the same place.
/// </summary>
internal static class ClusterOptions
{
    public const string PluginName = "kubectl-canaria";

    public const string ModeHelp =
        "Cluster or local: `kubectl canaria ...` (the executable kubectl-canaria) and any use of --cluster, --kubeconfig, --context or " +
        "-n/--namespace talk to the Kubernetes API (Rollouts of canaria.dev/v1alpha1); otherwise the local controller of --state-dir answers.";

    public static readonly Option<bool> Cluster = new("--cluster")
    {
        Description = "Talk to the Kubernetes cluster of the kubeconfig (implied by --kubeconfig, --context, --namespace, or running as kubectl-canaria)",
    };

    public static readonly Option<string?> Kubeconfig = new("--kubeconfig")
    {
        Description = "Cluster mode: kubeconfig file (default: first file of $KUBECONFIG, else ~/.kube/config)",
    };

    public static readonly Option<string?> Context = new("--context") { Description = "Cluster mode: kubeconfig context (default: current-context)" };

    public static readonly Option<string?> Namespace = new("--namespace", "-n")
    {
        Description = "Cluster mode: namespace of the Rollout (default: the context's namespace, else default)",
    };

    public static readonly Option<string> Timeout = new("--timeout")
    {
        Description = "Cluster mode: how long an operation waits for the controller to apply it, e.g. 30s or 2m",
        DefaultValueFactory = _ => "60s",
    };

    /// <summary>True when the executable was started under the kubectl plugin name.</summary>
    public static bool InvokedAsPlugin =>
        string.Equals(Path.GetFileNameWithoutExtension(InvokedPath()), PluginName, StringComparison.Ordinal);

    /// <summary>
    /// The path the program was started by: argv[0] on Linux, which keeps the name of a symlink (krew installs
    /// kubectl-canaria as one, and kubectl starts plugins by that path); elsewhere, or when it cannot be read,
    /// <see cref="Environment.ProcessPath"/>, which resolves symlinks to the target's name.
    /// </summary>
    private static string? InvokedPath()
    {
        if (!OperatingSystem.IsLinux()) return Environment.ProcessPath;
        try
        {
            var argv0 = File.ReadAllText("/proc/self/cmdline").Split('\0')[0];
            return argv0.Length > 0 ? argv0 : Environment.ProcessPath;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Environment.ProcessPath;
        }
    }

    /// <summary>
    /// A command line for a message, named as the user runs this program: <c>kubectl canaria ARGS</c> under the plugin
    /// name, <c>canaria ARGS</c> otherwise (so a plugin user is never told to run a command they do not have).
    /// </summary>
    public static string Command(string args) => (InvokedAsPlugin ? "kubectl canaria " : "canaria ") + args;

    /// <summary>Adds the cluster options to a verb (the same instances everywhere, so one rule reads them).</summary>
    public static void AddTo(Command command, bool operation = false)
    {
        command.Options.Add(Cluster);
        command.Options.Add(Kubeconfig);
        command.Options.Add(Context);
        command.Options.Add(Namespace);
        if (operation) command.Options.Add(Timeout);
    }

    public static bool Selected(ParseResult r) =>
        InvokedAsPlugin || r.GetValue(Cluster) || r.GetValue(Kubeconfig) is not null || r.GetValue(Context) is not null || r.GetValue(Namespace) is not null;

    /// <summary>"30s", "2m", "1m30s" or a plain number of seconds.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain)) return plain > 0 ? TimeSpan.FromSeconds(plain) : null;
        var total = TimeSpan.Zero;
        var number = "";
        foreach (var ch in text.Trim())
        {
            if (char.IsDigit(ch) || ch == '.')
            {
                number += ch;
                continue;
            }
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)) return null;
            total += ch switch
            {
                'h' => TimeSpan.FromHours(n),
                'm' => TimeSpan.FromMinutes(n),
                's' => TimeSpan.FromSeconds(n),
                _ => TimeSpan.MinValue,
            };
            if (total < TimeSpan.Zero) return null;
            number = "";
        }
        return number.Length == 0 && total > TimeSpan.Zero ? total : null;
    }
}
