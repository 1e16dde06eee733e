using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;

namespace Canaria.Local.Processes;

/// <summary>
/// How to run one replica of a version. <see cref="FileName"/>, <see cref="Arguments"/>, environment values and
/// <see cref="WorkingDirectory"/> may contain the placeholders <c>{port}</c>, <c>{version}</c>, <c>{replica}</c>
/// (index) and <c>{instance}</c> (<c>&lt;version&gt;-&lt;index&gt;</c>), substituted per replica.
/// </summary>
internal sealed record ReplicaTemplate
{
    public static readonly IReadOnlyDictionary<string, string> NoEnvironment = FrozenDictionary<string, string>.Empty;

    /// <summary>Version label (for example <c>v2</c>).</summary>
    public required string Version { get; init; }

    public required string FileName { get; init; }

    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Added to (and overriding) the supervisor's own environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = NoEnvironment;

    public string? WorkingDirectory { get; init; }

    /// <summary>Names of the controller's environment variables passed on beyond <see cref="ReplicaEnvironment.AllowList"/>.</summary>
    public IReadOnlyList<string> InheritEnvironment { get; init; } = [];

    /// <summary>HTTP path probed for readiness; null probes by TCP connect only.</summary>
    public string? ReadinessPath { get; init; } = "/healthz";

    /// <summary>Probe <see cref="ReadinessPath"/> over HTTP/2 with prior knowledge (a replica that speaks only h2c, as gRPC servers do).</summary>
    public bool ReadinessHttp2 { get; init; }

    public TimeSpan ReadinessPeriod { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReadinessTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Time between SIGTERM and SIGKILL when stopping a replica.</summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A template from a command line as written in YAML (<c>python3 -m http.server {port}</c>), split with shell-like quoting.
    /// </summary>
    public static ReplicaTemplateResult FromCommandLine(string version, string commandLine)
    {
        var split = CommandLineSplitter.Split(commandLine);
        if (split.Error is { } error)
            return new ReplicaTemplateResult(null, error);
        return new ReplicaTemplateResult(new ReplicaTemplate { Version = version, FileName = split.FileName!, Arguments = split.Arguments }, null);
    }

    /// <summary>
    /// Identity of what runs: version, command, environment, working directory, probe path. Timing settings are not
    /// part of it, so changing them does not replace running replicas.
    /// </summary>
    public string ComputeHash()
    {
        var text = new StringBuilder();
        void Add(string? value) => text.Append(value?.Length ?? -1).Append(':').Append(value).Append('\n');
        Add(Version);
        Add(FileName);
        Add(Arguments.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var argument in Arguments)
            Add(argument);
        foreach (var (key, value) in Environment.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            Add(key);
            Add(value);
        }
        Add(WorkingDirectory);
        Add(ReadinessPath);
        if (ReadinessHttp2) // only then, so replicas of templates without it keep their hash
            Add("readiness:h2c");
        if (InheritEnvironment.Count > 0) // only then, so replicas of templates without it keep their hash
            Add("inherit:" + string.Join(',', InheritEnvironment.Order(StringComparer.Ordinal)));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return Convert.ToHexStringLower(hash, 0, 8);
    }
}
