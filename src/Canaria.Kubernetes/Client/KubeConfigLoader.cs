using System.Text;
using YamlDotNet.RepresentationModel;

namespace Canaria.Kubernetes.Client;

/// <summary>
/// Loads a kubeconfig file (clusters, users, contexts, current-context) or the in-cluster
/// service-account config. Supports token, token file, exec credential plugins, client certificate + key
/// (PEM, inline data or files), CA data or file, insecure-skip-tls-verify, tls-server-name and the context's namespace.
/// </summary>
internal static class KubeConfigLoader
{
    public const string ServiceAccountRoot = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>
    /// $KUBECONFIG (its files merged as kubectl does, see <see cref="LoadFiles"/>), else ~/.kube/config,
    /// else the in-cluster config.
    /// </summary>
    public static KubeConfigResult LoadDefault(string? context = null, Func<string, string?>? getEnv = null)
    {
        var env = (getEnv ?? Environment.GetEnvironmentVariable)("KUBECONFIG");
        var paths = string.IsNullOrEmpty(env)
            ? [Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config")]
            : env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Where(File.Exists).Distinct().ToArray();
        return paths.Length switch
        {
            0 => LoadInCluster(),
            1 when File.Exists(paths[0]) => LoadFile(paths[0], context),
            1 => LoadInCluster(),
            _ => LoadFiles(paths, context),
        };
    }

    /// <summary>
    /// Several kubeconfig files merged like kubectl merges $KUBECONFIG: for each named cluster, user and
    /// context the first file that defines it wins, and current-context comes from the first file that sets
    /// it. Relative paths in an entry are resolved against the directory of the file it came from.
    /// </summary>
    public static KubeConfigResult LoadFiles(IReadOnlyList<string> paths, string? context = null)
    {
        var roots = new List<(YamlMappingNode Root, string BaseDirectory)>();
        foreach (var path in paths)
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return KubeConfigResult.Fail($"{path}: {e.Message}");
            }
            var (root, error) = Load(text);
            if (error is not null)
            {
                return KubeConfigResult.Fail($"{path}: {error}");
            }
            if (root is not null)
            {
                roots.Add((root, Path.GetDirectoryName(Path.GetFullPath(path)) ?? "."));
            }
        }
        return roots.Count == 0
            ? KubeConfigResult.Fail($"kubeconfig: {string.Join(Path.PathSeparator, paths)}: no configuration in these files")
            : Parse(KubeConfigMerge.Merge(roots), roots[0].BaseDirectory, context);
    }

    public static KubeConfigResult LoadFile(string path, string? context = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return KubeConfigResult.Fail($"{path}: {e.Message}");
        }
        return Parse(text, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", context);
    }

    /// <summary>Parses kubeconfig YAML; relative file paths are resolved against <paramref name="baseDirectory"/>.</summary>
    public static KubeConfigResult Parse(string yaml, string baseDirectory, string? context = null)
    {
        var (root, error) = Load(yaml);
        return root is not null ? Parse(root, baseDirectory, context) : KubeConfigResult.Fail(error ?? "kubeconfig: not a YAML mapping");
    }

    /// <summary>The YAML's root mapping; null with no error for an empty file.</summary>
    private static (YamlMappingNode? Root, string? Error) Load(string yaml)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0)
            {
                return (null, null);
            }
            return stream.Documents[0].RootNode is YamlMappingNode m ? (m, null) : (null, "kubeconfig: not a YAML mapping");
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            return (null, $"kubeconfig: invalid YAML: {e.Message}");
        }
    }

    private static KubeConfigResult Parse(YamlMappingNode root, string baseDirectory, string? context)
    {
        var contextName = context ?? Scalar(root, "current-context");
        if (string.IsNullOrEmpty(contextName))
        {
            return KubeConfigResult.Fail("kubeconfig: no context given and no current-context set");
        }
        var ctx = Named(root, "contexts", "context", contextName);
        if (ctx is null)
        {
            return KubeConfigResult.Fail($"kubeconfig: context '{contextName}' not found");
        }
        var clusterName = Scalar(ctx, "cluster");
        var cluster = clusterName is null ? null : Named(root, "clusters", "cluster", clusterName);
        if (cluster is null)
        {
            return KubeConfigResult.Fail($"kubeconfig: cluster '{clusterName}' of context '{contextName}' not found");
        }
        var userName = Scalar(ctx, "user");
        var user = userName is null ? null : Named(root, "users", "user", userName);
        if (userName is not null && user is null)
        {
            return KubeConfigResult.Fail($"kubeconfig: user '{userName}' of context '{contextName}' not found");
        }
        if (!Uri.TryCreate(Scalar(cluster, "server"), UriKind.Absolute, out var server))
        {
            return KubeConfigResult.Fail($"kubeconfig: cluster '{clusterName}' has no valid server URL");
        }
        if (user is not null && user.Children.ContainsKey("auth-provider"))
        {
            return KubeConfigResult.Fail(
                $"kubeconfig: user '{userName}' uses a legacy auth-provider, which Canaria does not support (kubectl dropped gcp and azure too); " +
                "use an exec credential plugin instead: gke-gcloud-auth-plugin (GKE), kubelogin (AKS, or kubectl oidc-login for OIDC), aws eks get-token (EKS)");
        }
        ExecPluginConfig? exec = null;
        if (user is not null && user.Children.TryGetValue(new YamlScalarNode("exec"), out var execNode))
        {
            if (execNode is not YamlMappingNode execMap)
            {
                return KubeConfigResult.Fail($"kubeconfig: user '{userName}': exec is not a mapping");
            }
            var (plugin, execError) = ExecPluginConfig.FromYaml(execMap, userName!, baseDirectory);
            if (plugin is null)
            {
                return KubeConfigResult.Fail(execError!);
            }
            exec = plugin;
        }

        try
        {
            return KubeConfigResult.Ok(new KubeClientConfig
            {
                Server = server,
                Namespace = Scalar(ctx, "namespace") is { Length: > 0 } ns ? ns : "default",
                CertificateAuthorityPem = DataOrFile(cluster, "certificate-authority", baseDirectory),
                InsecureSkipTlsVerify = string.Equals(Scalar(cluster, "insecure-skip-tls-verify"), "true", StringComparison.OrdinalIgnoreCase),
                TlsServerName = Scalar(cluster, "tls-server-name"),
                Token = user is null ? null : Scalar(user, "token"),
                TokenFile = user is null ? null : ResolvePath(Scalar(user, "tokenFile"), baseDirectory),
                Exec = exec,
                ClientCertificatePem = user is null ? null : DataOrFile(user, "client-certificate", baseDirectory),
                ClientKeyPem = user is null ? null : DataOrFile(user, "client-key", baseDirectory),
            });
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            return KubeConfigResult.Fail($"kubeconfig: context '{contextName}': {e.Message}");
        }
    }

    /// <summary>The pod's service account: token, CA and namespace files, and KUBERNETES_SERVICE_HOST/PORT.</summary>
    public static KubeConfigResult LoadInCluster(string root = ServiceAccountRoot, Func<string, string?>? getEnv = null)
    {
        getEnv ??= Environment.GetEnvironmentVariable;
        var host = getEnv("KUBERNETES_SERVICE_HOST");
        var port = getEnv("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            return KubeConfigResult.Fail("no kubeconfig found and not in a cluster (KUBERNETES_SERVICE_HOST/PORT unset)");
        }
        var tokenFile = Path.Combine(root, "token");
        var caFile = Path.Combine(root, "ca.crt");
        if (!File.Exists(tokenFile))
        {
            return KubeConfigResult.Fail($"in-cluster: {tokenFile} not found");
        }
        var nsFile = Path.Combine(root, "namespace");
        var hostPart = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        return KubeConfigResult.Ok(new KubeClientConfig
        {
            Server = new Uri($"https://{hostPart}:{port}"),
            TokenFile = tokenFile,
            CertificateAuthorityPem = File.Exists(caFile) ? File.ReadAllText(caFile) : null,
            Namespace = File.Exists(nsFile) ? File.ReadAllText(nsFile).Trim() : "default",
        });
    }

    private static string? DataOrFile(YamlMappingNode node, string key, string baseDirectory)
    {
        if (Scalar(node, key + "-data") is { Length: > 0 } data)
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(data));
        }
        return ResolvePath(Scalar(node, key), baseDirectory) is { } path ? File.ReadAllText(path) : null;
    }

    private static string? ResolvePath(string? path, string baseDirectory) =>
        string.IsNullOrEmpty(path) ? null : Path.IsPathRooted(path) ? path : Path.Combine(baseDirectory, path);

    internal static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode s ? s.Value : null;

    /// <summary>In a list like <c>clusters: [{name, cluster: {...}}]</c>, the inner mapping of the named entry.</summary>
    private static YamlMappingNode? Named(YamlMappingNode root, string list, string inner, string name)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode(list), out var l) || l is not YamlSequenceNode seq)
        {
            return null;
        }
        foreach (var entry in seq.Children.OfType<YamlMappingNode>())
        {
            if (Scalar(entry, "name") == name)
            {
                return entry.Children.TryGetValue(new YamlScalarNode(inner), out var m) && m is YamlMappingNode mm
                    ? mm
                    : new YamlMappingNode();
            }
        }
        return null;
    }
}
