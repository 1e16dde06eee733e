using Canaria.Kubernetes.Client;

namespace Canaria.Kubernetes.Tests.Client;

/// <summary>Kubeconfig users with exec plugins or auth-providers, and $KUBECONFIG lists of several files.</summary>
public sealed class KubeConfigExecAndMergeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("canaria-kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string WithUser(string user) => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: eks
          cluster: {"{"}server: https://eks.example:443{"}"}
        users:
        - name: eks-user
          user:
        {user}
        contexts:
        - name: eks
          context: {"{"}cluster: eks, user: eks-user{"}"}
        current-context: eks
        """;

    [Fact]
    public void Parse_ExecUser_ReadsCommandArgsEnvAndInstallHint()
    {
        var yaml = WithUser("""
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  command: aws
                  args: [eks, get-token, --cluster-name, shop]
                  env:
                  - {name: AWS_PROFILE, value: prod}
                  installHint: install the AWS CLI
            """);

        var result = KubeConfigLoader.Parse(yaml, _dir);

        Assert.True(result.IsSuccess, result.Error);
        var exec = result.Config!.Exec!;
        Assert.Equal("aws", exec.Command);
        Assert.Equal(new[] { "eks", "get-token", "--cluster-name", "shop" }, exec.Args);
        Assert.Equal(new[] { new KeyValuePair<string, string>("AWS_PROFILE", "prod") }, exec.Env);
        Assert.Equal("install the AWS CLI", exec.InstallHint);
        Assert.Equal("eks-user", exec.User);
        Assert.DoesNotContain("prod", exec.ToString());
    }

    [Fact]
    public void Parse_ExecCommandWithRelativePath_IsResolvedAgainstTheKubeconfigDirectory()
    {
        var result = KubeConfigLoader.Parse(WithUser("""
                exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/get-token}
            """), _dir);

        Assert.True(result.IsSuccess, result.Error);
        Assert.Equal(Path.Combine(_dir, "bin", "get-token"), result.Config!.Exec!.Command);
    }

    [Theory]
    [InlineData("exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: aws}", "v1alpha1")]
    [InlineData("exec: {apiVersion: client.authentication.k8s.io/v1}", "no command")]
    [InlineData("auth-provider: {name: gcp}", "gke-gcloud-auth-plugin")]
    public void Parse_UnsupportedCredentials_ErrorNamesTheUser(string user, string expected)
    {
        var result = KubeConfigLoader.Parse(WithUser("      " + user), _dir);

        Assert.False(result.IsSuccess);
        Assert.Contains("'eks-user'", result.Error);
        Assert.Contains(expected, result.Error);
    }

    [Fact]
    public void LoadDefault_KubeconfigListsSeveralFiles_MergesThemFirstFileWinning()
    {
        var first = Write("a/config", """
            clusters:
            - name: shared
              cluster: {server: https://first.example, certificate-authority: ca.crt}
            users:
            - name: alice
              user: {tokenFile: alice.token}
            contexts:
            - name: shared
              context: {cluster: shared, user: alice, namespace: first}
            """);
        var second = Write("b/config", """
            clusters:
            - name: shared
              cluster: {server: https://second.example}
            - name: other
              cluster: {server: https://other.example, certificate-authority: ca.crt}
            users:
            - name: bob
              user: {tokenFile: bob.token}
            contexts:
            - name: shared
              context: {cluster: shared, user: bob, namespace: second}
            - name: other
              context: {cluster: other, user: bob}
            current-context: other
            """);
        var third = Write("c/config", "current-context: shared\n");
        File.WriteAllText(Path.Combine(_dir, "a", "ca.crt"), "");
        File.WriteAllText(Path.Combine(_dir, "b", "ca.crt"), "");
        var env = string.Join(Path.PathSeparator, first, Path.Combine(_dir, "missing"), second, third);

        var current = KubeConfigLoader.LoadDefault(getEnv: Env(env));
        var shared = KubeConfigLoader.LoadDefault("shared", Env(env));

        Assert.True(current.IsSuccess, current.Error);
        Assert.Equal(new Uri("https://other.example"), current.Config!.Server);
        Assert.Equal(Path.Combine(_dir, "b", "bob.token"), current.Config.TokenFile);
        Assert.True(shared.IsSuccess, shared.Error);
        Assert.Equal(new Uri("https://first.example"), shared.Config!.Server);
        Assert.Equal("first", shared.Config.Namespace);
        Assert.Equal(Path.Combine(_dir, "a", "alice.token"), shared.Config.TokenFile);
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
