using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Canaria.Kubernetes.Client;

namespace Canaria.Kubernetes.Tests.Client;

public sealed class KubeConfigLoaderTests : IDisposable
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
            tls-server-name: kubernetes
        users:
        - name: alice
          user:
            token: s3cr3t-token
        - name: bob
          user:
            tokenFile: bob.token
        contexts:
        - name: prod-alice
          context: {cluster: prod, user: alice, namespace: shop}
        - name: dev-bob
          context: {cluster: dev, user: bob}
        current-context: prod-alice
        """;

    [Fact]
    public void Parse_CurrentContextWithToken_UsesItsClusterUserAndNamespace()
    {
        var result = KubeConfigLoader.Parse(TwoContexts, _dir);

        Assert.True(result.IsSuccess, result.Error);
        var config = result.Config!;
        Assert.Equal(new Uri("https://prod.example:6443"), config.Server);
        Assert.Equal("s3cr3t-token", config.Token);
        Assert.Equal("shop", config.Namespace);
        Assert.True(config.InsecureSkipTlsVerify);
        Assert.Null(config.CertificateAuthorityPem);
    }

    [Fact]
    public void Parse_NamedContext_OverridesCurrentContextAndResolvesRelativeTokenFile()
    {
        var result = KubeConfigLoader.Parse(TwoContexts, _dir, context: "dev-bob");

        Assert.True(result.IsSuccess, result.Error);
        Assert.Equal(new Uri("https://127.0.0.1:8443"), result.Config!.Server);
        Assert.Equal(Path.Combine(_dir, "bob.token"), result.Config.TokenFile);
        Assert.Null(result.Config.Token);
        Assert.Equal("default", result.Config.Namespace);
        Assert.Equal("kubernetes", result.Config.TlsServerName);
        Assert.False(result.Config.InsecureSkipTlsVerify);
    }

    [Theory]
    [InlineData("nope", "context 'nope' not found")]
    [InlineData(null, "no context given")]
    public void Parse_MissingContext_ReturnsErrorNotException(string? context, string expected)
    {
        var yaml = context is null ? TwoContexts.Replace("current-context: prod-alice", "") : TwoContexts;

        var result = KubeConfigLoader.Parse(yaml, _dir, context);

        Assert.False(result.IsSuccess);
        Assert.Contains(expected, result.Error);
    }

    [Fact]
    public void LoadFile_ClientCertificateKeyAndCaFiles_AreReadAsPem()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=canaria-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(_dir, "client.crt"), cert.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir, "client.key"), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(_dir, "ca.crt"), cert.ExportCertificatePem());
        var caData = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(cert.ExportCertificatePem()));
        File.WriteAllText(Path.Combine(_dir, "config"), $"""
            clusters:
            - name: c
              cluster: {"{"}server: "https://10.0.0.1:6443", certificate-authority: ca.crt{"}"}
            - name: d
              cluster: {"{"}server: "https://10.0.0.2:6443", certificate-authority-data: {caData}{"}"}
            users:
            - name: u
              user: {"{"}client-certificate: client.crt, client-key: {Path.Combine(_dir, "client.key")}{"}"}
            contexts:
            - {"{"}name: file-ca, context: {"{"}cluster: c, user: u{"}"}{"}"}
            - {"{"}name: data-ca, context: {"{"}cluster: d, user: u{"}"}{"}"}
            current-context: file-ca
            """);

        var fromFiles = KubeConfigLoader.LoadFile(Path.Combine(_dir, "config"));
        var fromData = KubeConfigLoader.LoadFile(Path.Combine(_dir, "config"), "data-ca");

        Assert.True(fromFiles.IsSuccess, fromFiles.Error);
        Assert.True(fromData.IsSuccess, fromData.Error);
        Assert.Equal(fromFiles.Config!.CertificateAuthorityPem, fromData.Config!.CertificateAuthorityPem);
        using var loaded = X509Certificate2.CreateFromPem(fromFiles.Config.ClientCertificatePem, fromFiles.Config.ClientKeyPem);
        Assert.True(loaded.HasPrivateKey);
        Assert.Equal(cert.Thumbprint, loaded.Thumbprint);
        var handler = KubeHttp.CreateHandler(fromFiles.Config, TimeProvider.System);
        handler.Dispose();
    }

    [Fact]
    public void LoadFile_MissingCertificateFile_ReturnsErrorNotException()
    {
        File.WriteAllText(Path.Combine(_dir, "config"), """
            clusters: [{name: c, cluster: {server: "https://x:1", certificate-authority: missing.crt}}]
            users: [{name: u, user: {token: t}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """);

        var result = KubeConfigLoader.LoadFile(Path.Combine(_dir, "config"));

        Assert.False(result.IsSuccess);
        Assert.Contains("missing.crt", result.Error);
    }

    [Fact]
    public void LoadInCluster_ServiceAccountFiles_GiveServerTokenFileCaAndNamespace()
    {
        File.WriteAllText(Path.Combine(_dir, "token"), "sa-token\n");
        File.WriteAllText(Path.Combine(_dir, "ca.crt"), "-----BEGIN CERTIFICATE-----\n");
        File.WriteAllText(Path.Combine(_dir, "namespace"), "canaria-system\n");
        var env = new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1", ["KUBERNETES_SERVICE_PORT"] = "443" };

        var result = KubeConfigLoader.LoadInCluster(_dir, k => env.GetValueOrDefault(k));

        Assert.True(result.IsSuccess, result.Error);
        Assert.Equal(new Uri("https://10.96.0.1:443"), result.Config!.Server);
        Assert.Equal(Path.Combine(_dir, "token"), result.Config.TokenFile);
        Assert.Equal("canaria-system", result.Config.Namespace);
        Assert.NotNull(result.Config.CertificateAuthorityPem);
    }

    [Fact]
    public void LoadInCluster_NotInACluster_ReturnsError()
    {
        var result = KubeConfigLoader.LoadInCluster(_dir, _ => null);

        Assert.False(result.IsSuccess);
        Assert.Contains("KUBERNETES_SERVICE_HOST", result.Error);
    }

    [Fact]
    public void ToString_ConfigWithSecrets_NeverPrintsThem()
    {
        var config = KubeConfigLoader.Parse(TwoContexts, _dir).Config!;

        var text = config.ToString() + " " + (config with { ClientKeyPem = "PRIVATE-KEY-PEM" });

        Assert.DoesNotContain("s3cr3t-token", text);
        Assert.DoesNotContain("PRIVATE-KEY-PEM", text);
        Assert.Contains("prod.example", text);
    }
}
