using Canaria.Kubernetes.Client;

namespace Canaria.Kubernetes.Tests.Client;

/// <summary>
/// How the CLI and the controller find their cluster: the official client parses the kubeconfig; these tests hold
/// what Canaria adds around it (results instead of exceptions, kubectl's merge of $KUBECONFIG, no secrets printed).
/// </summary>
public sealed class KubeConfigSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("canaria-kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string TwoContexts = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: prod
          cluster:
            server: https://prod.example:6443
            insecure-skip-tls-verify: true
        - name: dev
          cluster:
            server: https://127.0.0.1:8443
        users:
        - name: alice
          user:
            token: s3cr3t-token
        - name: bob
          user:
            token: bobs-token
        contexts:
        - name: prod-alice
          context: {cluster: prod, user: alice, namespace: shop}
        - name: dev-bob
          context: {cluster: dev, user: bob}
        current-context: prod-alice
        """;

    [Fact]
    public void LoadFile_CurrentContext_UsesItsClusterUserAndNamespace()
    {
        var result = KubeConfigSource.LoadFile(Write("config", TwoContexts));

        Assert.True(result.IsSuccess, result.Error);
        Assert.Equal(new Uri("https://prod.example:6443"), result.Config!.Server);
        Assert.Equal("s3cr3t-token", result.Config.Kube.AccessToken);
        Assert.Equal("shop", result.Config.Namespace);
        Assert.True(result.Config.Kube.SkipTlsVerify);
    }

    [Fact]
    public void LoadFile_NamedContextWithoutNamespace_OverridesCurrentContextAndUsesDefaultNamespace()
    {
        var result = KubeConfigSource.LoadFile(Write("config", TwoContexts), "dev-bob");

        Assert.True(result.IsSuccess, result.Error);
        Assert.Equal(new Uri("https://127.0.0.1:8443"), result.Config!.Server);
        Assert.Equal("bobs-token", result.Config.Kube.AccessToken);
        Assert.Equal("default", result.Config.Namespace);
    }

    [Theory]
    [InlineData("nope", "nope")]
    [InlineData(null, "context")]
    public void LoadFile_MissingContext_ReturnsErrorNotException(string? context, string expected)
    {
        var yaml = context is null ? TwoContexts.Replace("current-context: prod-alice", "") : TwoContexts;

        var result = KubeConfigSource.LoadFile(Write("config", yaml), context);

        Assert.False(result.IsSuccess);
        Assert.Contains(expected, result.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("missing", "no such file")]
    [InlineData("garbage", "garbage")]
    public void LoadFile_NoFileOrNotYaml_ReturnsErrorNamingTheFile(string name, string expected)
    {
        var path = Path.Combine(_dir, name);
        if (name == "garbage")
        {
            File.WriteAllText(path, "clusters: [unclosed\n  - {");
        }

        var result = KubeConfigSource.LoadFile(path);

        Assert.False(result.IsSuccess);
        Assert.Contains(expected, result.Error);
        Assert.Contains(path, result.Error);
    }

    [Fact]
    public void LoadDefault_KubeconfigListsSeveralFiles_MergesThemFirstFileWinning()
    {
        var first = Write("a/config", """
            clusters:
            - name: shared
              cluster: {server: https://first.example}
            users:
            - name: alice
              user: {token: alice-token}
            contexts:
            - name: shared
              context: {cluster: shared, user: alice, namespace: first}
            """);
        var second = Write("b/config", """
            clusters:
            - name: shared
              cluster: {server: https://second.example}
            - name: other
              cluster: {server: https://other.example}
            users:
            - name: bob
              user: {token: bob-token}
            contexts:
            - name: shared
              context: {cluster: shared, user: bob, namespace: second}
            - name: other
              context: {cluster: other, user: bob}
            current-context: other
            """);
        var third = Write("c/config", "current-context: shared\n");
        var env = string.Join(Path.PathSeparator, first, Path.Combine(_dir, "missing"), second, third);

        var current = KubeConfigSource.LoadDefault(getEnv: Env(env));
        var shared = KubeConfigSource.LoadDefault("shared", Env(env));

        Assert.True(current.IsSuccess, current.Error);
        Assert.Equal(new Uri("https://other.example"), current.Config!.Server);
        Assert.Equal("bob-token", current.Config.Kube.AccessToken);
        Assert.True(shared.IsSuccess, shared.Error);
        Assert.Equal(new Uri("https://first.example"), shared.Config!.Server);
        Assert.Equal("first", shared.Config.Namespace);
        Assert.Equal("alice-token", shared.Config.Kube.AccessToken);
    }

    [Fact]
    public void ToString_ConfigWithSecrets_NeverPrintsThem()
    {
        var config = KubeConfigSource.LoadFile(Write("config", TwoContexts)).Config!;

        var text = config.ToString();

        Assert.DoesNotContain("s3cr3t-token", text);
        Assert.Contains("Token = set", text);
        Assert.Contains("prod.example", text);
    }

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static Func<string, string?> Env(string kubeconfig) => name => name == "KUBECONFIG" ? kubeconfig : null;
}
