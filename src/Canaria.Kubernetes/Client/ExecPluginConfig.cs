using YamlDotNet.RepresentationModel;

namespace Canaria.Kubernetes.Client;

/// <summary>
/// A kubeconfig user's <c>exec</c> credential plugin (client.authentication.k8s.io v1 or v1beta1):
/// the command that prints an ExecCredential, e.g. <c>aws eks get-token</c>, <c>gke-gcloud-auth-plugin</c>
/// or <c>kubelogin</c>. <see cref="ToString"/> never prints the environment (it may hold secrets).
/// </summary>
internal sealed record ExecPluginConfig
{
    public const string V1 = "client.authentication.k8s.io/v1";
    public const string V1Beta1 = "client.authentication.k8s.io/v1beta1";

    /// <summary>The kubeconfig user this plugin belongs to (named in every error).</summary>
    public required string User { get; init; }
    public required string ApiVersion { get; init; }
    public required string Command { get; init; }
    public IReadOnlyList<string> Args { get; init; } = [];
    /// <summary>Set over the process environment when the plugin runs.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Env { get; init; } = [];
    public string? InstallHint { get; init; }
    /// <summary>How long one run may take before it is killed.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    public override string ToString() => $"ExecPluginConfig {{ User = {User}, ApiVersion = {ApiVersion}, Command = {Command} }}";

    /// <summary>
    /// Reads <c>users[].user.exec</c>. A relative command with a slash in it is resolved against
    /// <paramref name="baseDirectory"/> (as kubectl does); a bare name is looked up on PATH when it runs.
    /// </summary>
    public static (ExecPluginConfig? Config, string? Error) FromYaml(YamlMappingNode exec, string user, string baseDirectory)
    {
        var apiVersion = Scalar(exec, "apiVersion");
        if (apiVersion is not (V1 or V1Beta1))
        {
            return (null, $"kubeconfig: user '{user}': exec apiVersion '{apiVersion}' is not supported (use {V1} or {V1Beta1})");
        }
        var command = Scalar(exec, "command");
        if (string.IsNullOrEmpty(command))
        {
            return (null, $"kubeconfig: user '{user}': exec has no command");
        }
        if (string.Equals(Scalar(exec, "interactiveMode"), "Always", StringComparison.Ordinal))
        {
            return (null, $"kubeconfig: user '{user}': the exec plugin needs an interactive terminal (interactiveMode: Always), which Canaria never provides");
        }
        if (!Path.IsPathRooted(command) && command.Contains('/', StringComparison.Ordinal))
        {
            command = Path.GetFullPath(Path.Combine(baseDirectory, command));
        }
        var args = Child(exec, "args") is YamlSequenceNode a ? a.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList() : [];
        var env = new List<KeyValuePair<string, string>>();
        if (Child(exec, "env") is YamlSequenceNode e)
        {
            foreach (var entry in e.Children.OfType<YamlMappingNode>())
            {
                if (Scalar(entry, "name") is { Length: > 0 } name)
                {
                    env.Add(new(name, Scalar(entry, "value") ?? ""));
                }
            }
        }
        return (new ExecPluginConfig
        {
            User = user,
            ApiVersion = apiVersion,
            Command = command,
            Args = args,
            Env = env,
            InstallHint = Scalar(exec, "installHint"),
        }, null);
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    private static string? Scalar(YamlMappingNode node, string key) => Child(node, key) is YamlScalarNode s ? s.Value : null;
}
