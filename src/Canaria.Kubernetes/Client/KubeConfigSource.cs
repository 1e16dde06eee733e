using k8s;
using k8s.KubeConfigModels;

namespace Canaria.Kubernetes.Client;

/// <summary>
/// Finds the cluster configuration the way kubectl does, through the official client's kubeconfig loader (contexts,
/// token and token files, client certificates, CA, exec credential plugins, in-cluster service account). Every failure
/// comes back as an error that names the file, never as an exception.
/// </summary>
public static class KubeConfigSource
{
    /// <summary>$KUBECONFIG (several files merged, the first that names a cluster, user or context wins), else ~/.kube/config, else the pod's service account.</summary>
    public static KubeConfigResult LoadDefault(string? context = null, Func<string, string?>? getEnv = null)
    {
        var env = (getEnv ?? Environment.GetEnvironmentVariable)("KUBECONFIG");
        var paths = string.IsNullOrEmpty(env)
            ? [KubernetesClientConfiguration.KubeConfigDefaultLocation]
            : env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Where(File.Exists).Distinct().ToArray();
        return paths.Length switch
        {
            1 when File.Exists(paths[0]) => LoadFile(paths[0], context),
            > 1 => Build(string.Join(Path.PathSeparator, paths), () => KubernetesClientConfiguration.BuildConfigFromConfigObject(Merge(paths), context)),
            _ => LoadInCluster(),
        };
    }

    public static KubeConfigResult LoadFile(string path, string? context = null) =>
        File.Exists(path)
            ? Build(path, () => KubernetesClientConfiguration.BuildConfigFromConfigFile(path, context))
            : KubeConfigResult.Fail($"{path}: no such file");

    public static KubeConfigResult LoadInCluster() =>
        KubernetesClientConfiguration.IsInCluster()
            ? Build("in-cluster service account", KubernetesClientConfiguration.InClusterConfig)
            : KubeConfigResult.Fail("no kubeconfig found and not in a cluster (KUBERNETES_SERVICE_HOST/PORT or the service-account token missing)");

    private static KubeConfigResult Build(string source, Func<KubernetesClientConfiguration> load)
    {
        try
        {
            return KubeConfigResult.Ok(new KubeClientConfig { Kube = load() });
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The client throws KubeConfigException, YAML, I/O and crypto exceptions alike for a bad file or a failing plugin.
            return KubeConfigResult.Fail($"{source}: {e.Message}");
        }
    }

    /// <summary>kubectl's merge rule for $KUBECONFIG: for each named cluster, user and context the first file wins; so does the first current-context.</summary>
    private static K8SConfiguration Merge(string[] paths)
    {
        var merged = KubernetesClientConfiguration.LoadKubeConfig(paths[0]);
        foreach (var path in paths.Skip(1))
        {
            var next = KubernetesClientConfiguration.LoadKubeConfig(path);
            merged.CurrentContext ??= next.CurrentContext;
            merged.Clusters = FirstWins(merged.Clusters, next.Clusters, c => c.Name);
            merged.Users = FirstWins(merged.Users, next.Users, u => u.Name);
            merged.Contexts = FirstWins(merged.Contexts, next.Contexts, c => c.Name);
        }
        return merged;
    }

    private static List<T> FirstWins<T>(IEnumerable<T>? first, IEnumerable<T>? then, Func<T, string> name) =>
        (first ?? []).Concat(then ?? []).DistinctBy(name).ToList();
}
