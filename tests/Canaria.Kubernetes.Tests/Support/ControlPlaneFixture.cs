using System.Diagnostics;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;

namespace Canaria.Kubernetes.Tests.Support;

/// <summary>
/// A real control plane (etcd, kube-apiserver, kube-controller-manager) for the whole test collection,
/// started by hack/control-plane.sh in a temporary directory. Missing binaries are built first; a failed
/// build or start fails every test of the collection loudly — nothing is skipped.
/// </summary>
public sealed class ControlPlaneFixture : IAsyncLifetime
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(40);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private int _namespaces;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "canaria-k8s-" + Guid.NewGuid().ToString("N")[..8]);
    public string KubeconfigPath => Path.Combine(Directory, "kubeconfig");
    internal KubeClient Client { get; private set; } = null!;
    internal KubeClientConfig Config { get; private set; } = null!;
    public TimeSpan StartDuration { get; private set; }
    public Uri EtcdUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var script = Path.Combine(RepositoryRoot(), "hack", "control-plane.sh");
        var cache = Environment.GetEnvironmentVariable("CANARIA_K8S_CACHE") is { Length: > 0 } c
            ? c
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "canaria", "k8s-1.20.2");
        if (!File.Exists(Path.Combine(cache, "bin", "kube-apiserver")) || !File.Exists(Path.Combine(cache, "bin", "kube-controller-manager")))
        {
            await RunScriptAsync(script, BuildTimeout, "build").ConfigureAwait(false);
        }
        var started = Stopwatch.StartNew();
        await RunScriptAsync(script, StartTimeout, "start", Directory).ConfigureAwait(false);
        StartDuration = started.Elapsed;
        var etcd = File.ReadAllLines(Path.Combine(Directory, "env")).Single(l => l.StartsWith("ETCD_URL=", StringComparison.Ordinal));
        EtcdUrl = new Uri(etcd["ETCD_URL=".Length..]);
        var loaded = KubeConfigSource.LoadFile(KubeconfigPath);
        Config = loaded.Config ?? throw new InvalidOperationException($"control plane kubeconfig: {loaded.Error}");
        Client = new KubeClient(Config with { Qps = 200, Burst = 400 });
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        await RunScriptAsync(Path.Combine(RepositoryRoot(), "hack", "control-plane.sh"), StartTimeout, "stop", Directory).ConfigureAwait(false);
        if (Environment.GetEnvironmentVariable("CANARIA_KEEP_CONTROL_PLANE") is null)
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The control plane's config loaded afresh and changed by <paramref name="change"/> (other credentials, another CA).</summary>
    internal KubeClientConfig ConfigWith(Action<k8s.KubernetesClientConfiguration> change)
    {
        var config = KubeConfigSource.LoadFile(KubeconfigPath).Config ?? throw new InvalidOperationException("control plane kubeconfig vanished");
        change(config.Kube);
        return config;
    }

    /// <summary>A fresh namespace whose default service account (and its token) exist, so pods can be created.</summary>
    internal async Task<string> CreateNamespaceAsync(string prefix)
    {
        var name = $"{prefix}-{Interlocked.Increment(ref _namespaces)}-{Guid.NewGuid().ToString("N")[..5]}";
        var created = await Client.CreateAsync(KubeResource.Namespaces, null,
            new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } });
        created.ValueOrThrow();
        var serviceAccounts = new KubeResource("", "v1", "serviceaccounts", "ServiceAccount");
        await Eventually.WaitAsync(async () =>
        {
            var sa = await Client.GetAsync(serviceAccounts, name, "default");
            return sa.IsSuccess && sa.Value!["secrets"] is JsonArray { Count: > 0 };
        }, TimeSpan.FromSeconds(60), $"service account default/{name} with a token");
        return name;
    }

    /// <summary>Compacts etcd's history up to its current revision; older resourceVersions are then gone (410).</summary>
    internal async Task<long> CompactEtcdAsync()
    {
        using var http = new HttpClient { BaseAddress = EtcdUrl };
        var range = await http.PostAsync("/v3/kv/range", new StringContent("""{"key":"Lw=="}"""));
        range.EnsureSuccessStatusCode();
        var revision = long.Parse((string)JsonNode.Parse(await range.Content.ReadAsStringAsync())!["header"]!["revision"]!);
        var compact = await http.PostAsync("/v3/kv/compaction", new StringContent($$"""{"revision":"{{revision}}","physical":true}"""));
        compact.EnsureSuccessStatusCode();
        return revision;
    }

    /// <summary>Runs <c>hack/control-plane.sh COMMAND DIR</c> on this control plane (e.g. stop-apiserver, start-apiserver).</summary>
    internal Task ControlAsync(string command) => RunScriptAsync(Path.Combine(RepositoryRoot(), "hack", "control-plane.sh"), StartTimeout, command, Directory);

    private static async Task RunScriptAsync(string script, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.Environment["CANARIA_OWNER_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.ArgumentList.Add(script);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start bash");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"hack/control-plane.sh {string.Join(' ', args)} did not finish within {timeout}");
        }
        var output = await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"hack/control-plane.sh {string.Join(' ', args)} failed with exit code {process.ExitCode}:\n{output}");
        }
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Canaria.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no Canaria.slnx above {AppContext.BaseDirectory}");
    }
}

[CollectionDefinition(Name)]
public sealed class ControlPlaneCollection : ICollectionFixture<ControlPlaneFixture>
{
    public const string Name = "control-plane";
}
