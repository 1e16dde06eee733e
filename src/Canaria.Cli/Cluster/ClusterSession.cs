using System.CommandLine;
using Canaria.Kubernetes.Client;

namespace Canaria.Cli.Cluster;

/// <summary>A Kubernetes API client for one CLI command and the namespace it works in.</summary>
internal sealed class ClusterSession : IDisposable
{
    private ClusterSession(KubeClient client, string ns)
    {
        Client = client;
        Namespace = ns;
    }

    public KubeClient Client { get; }

    public string Namespace { get; }

    public TimeProvider Time => Client.Time;

    /// <summary>Loads the kubeconfig the options name (or the default one); null with the reason when there is none.</summary>
    public static ClusterSession? Open(ParseResult r, out string error)
    {
        error = "";
        var path = r.GetValue(ClusterOptions.Kubeconfig);
        var context = r.GetValue(ClusterOptions.Context);
        var loaded = path is not null ? KubeConfigSource.LoadFile(path, context) : KubeConfigSource.LoadDefault(context);
        if (loaded.Config is not { } config)
        {
            error = $"no usable kubeconfig: {loaded.Error} (pass --kubeconfig FILE, set KUBECONFIG, or run inside a pod)";
            return null;
        }
        var ns = r.GetValue(ClusterOptions.Namespace) is { Length: > 0 } given ? given : config.Namespace;
        return new ClusterSession(new KubeClient(config with { UserAgent = "canaria-cli" }, TimeProvider.System), ns);
    }

    public void Dispose() => Client.Dispose();
}
