using Canaria.Kubernetes.Client;

namespace Canaria.Kubernetes.Tests.Support;

/// <summary>
/// A temporary directory with a shell-script exec credential plugin and a kubeconfig that runs it against the
/// test control plane. Every run of the script appends a line to <c>runs</c> and saves KUBERNETES_EXEC_INFO.
/// The script is run as <c>sh SCRIPT</c> (command found on PATH), so it is never executed while being written.
/// </summary>
internal sealed class ExecPluginBed : IDisposable
{
    private readonly ControlPlaneFixture _cluster;

    public ExecPluginBed(ControlPlaneFixture cluster) => _cluster = cluster;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("canaria-exec-").FullName;
    public string Script => Path.Combine(Directory, "plugin.sh");
    public string AdminToken => _cluster.Config.Kube.AccessToken ?? throw new InvalidOperationException("the control plane kubeconfig has no token");
    public int Runs => File.Exists(Path.Combine(Directory, "runs")) ? File.ReadAllLines(Path.Combine(Directory, "runs")).Length : 0;
    public string ExecInfo => File.ReadAllText(Path.Combine(Directory, "exec-info"));

    /// <summary>Writes the plugin: the bookkeeping lines, then <paramref name="body"/> (which prints the ExecCredential).</summary>
    public void WritePlugin(string body) => File.WriteAllText(Script,
        "dir=$(dirname \"$0\")\necho run >> \"$dir/runs\"\nprintf '%s' \"$KUBERNETES_EXEC_INFO\" > \"$dir/exec-info\"\n" + body + "\n");

    /// <summary>A plugin printing <paramref name="token"/> (or $TOKEN from the kubeconfig's env when null) with an optional lifetime.</summary>
    public void WriteTokenPlugin(string apiVersion, string? token = null, int? lifetimeSeconds = null)
    {
        var expiry = lifetimeSeconds is { } s
            ? $"exp=$(date -u -d '+{s} seconds' +%Y-%m-%dT%H:%M:%SZ)\nextra=\",\\\"expirationTimestamp\\\":\\\"$exp\\\"\"\n"
            : "extra=\n";
        var tokenArg = token ?? "$TOKEN";
        WritePlugin(expiry + $"printf '{{\"apiVersion\":\"%s\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"%s\"%s}}}}\\n' '{apiVersion}' \"{tokenArg}\" \"$extra\"");
    }

    public string KubeconfigPath => Path.Combine(Directory, "kubeconfig");

    /// <summary>Loads the control plane's kubeconfig with a user whose credentials come from the plugin (the official client runs it once while loading).</summary>
    public KubeConfigResult Load(string apiVersion, string command = "sh", bool tokenInEnv = true)
    {
        File.WriteAllText(KubeconfigPath, Kubeconfig(apiVersion, command, tokenInEnv));
        return KubeConfigSource.LoadFile(KubeconfigPath);
    }

    public KubeClientConfig Config(string apiVersion, string command = "sh", bool tokenInEnv = true)
    {
        var loaded = Load(apiVersion, command, tokenInEnv);
        Assert.True(loaded.IsSuccess, loaded.Error);
        return loaded.Config!;
    }

    /// <summary>The kubeconfig's YAML: cluster <c>test</c>, user <c>plugin-user</c>, context and current-context <c>test</c>.</summary>
    public string Kubeconfig(string apiVersion, string command = "sh", bool tokenInEnv = true)
    {
        var ca = Path.Combine(_cluster.Directory, "pki", "ca.crt");
        var env = tokenInEnv ? $"\n      env:\n      - name: TOKEN\n        value: {AdminToken}" : "";
        return $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: test
              cluster:
                server: {{_cluster.Config.Server}}
                certificate-authority: {{ca}}
            users:
            - name: plugin-user
              user:
                exec:
                  apiVersion: {{apiVersion}}
                  command: {{command}}
                  args: ["{{Script}}"]{{env}}
                  interactiveMode: Never
            contexts:
            - name: test
              context: {cluster: test, user: plugin-user}
            current-context: test
            """;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
