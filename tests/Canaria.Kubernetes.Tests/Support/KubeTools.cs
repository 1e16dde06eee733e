using System.Diagnostics;
using Canaria.Kubernetes.Tests.Cli;

namespace Canaria.Kubernetes.Tests.Support;

/// <summary>
/// The real helm v4.1.4 and kubectl v1.35.2 that hack/kube-tools.sh installs (.ci/run does, before the tests). A missing
/// binary fails the test that needs it, naming the command that installs it; nothing is skipped.
/// </summary>
internal static class KubeTools
{
    private static readonly Lazy<string> EmptyHome = new(() => Directory.CreateTempSubdirectory("canaria-kubetools-home-").FullName);

    public static string Bin => Environment.GetEnvironmentVariable("CANARIA_KUBE_TOOLS_CACHE") is { Length: > 0 } cache
        ? Path.Combine(cache, "bin")
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "canaria", "kube-tools-v35-2.2.2", "bin");

    public static string Helm => Existing("helm");

    public static string Kubectl => Existing("kubectl");

    /// <summary>
    /// Runs helm or kubectl with KUBECONFIG set, HOME empty (no user's config or plugins) and, when given,
    /// <paramref name="pathFirst"/> first on the PATH (where kubectl looks for plugins).
    /// </summary>
    public static async Task<CliRun> RunAsync(string tool, string? kubeconfig, string? pathFirst, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["KUBECONFIG"] = kubeconfig ?? "";
        info.Environment["HOME"] = EmptyHome.Value;
        info.Environment["NO_COLOR"] = "1";
        info.Environment["HELM_CACHE_HOME"] = Path.Combine(EmptyHome.Value, "helm-cache");
        info.Environment["HELM_CONFIG_HOME"] = Path.Combine(EmptyHome.Value, "helm-config");
        info.Environment["HELM_DATA_HOME"] = Path.Combine(EmptyHome.Value, "helm-data");
        if (pathFirst is not null) info.Environment["PATH"] = pathFirst + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        return await CanariaCli.RunAsync(info);
    }

    private static string Existing(string name)
    {
        var path = Path.Combine(Bin, name);
        Assert.True(File.Exists(path), $"{path} is missing: run hack/kube-tools.sh install (.ci/run does)");
        return path;
    }
}
