using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Api;

/// <summary>
/// Kubeconfig users with an exec credential plugin (a shell script) against the real API server. The official
/// client runs the plugin; these tests hold that Canaria authenticates with what it prints and reports a broken
/// plugin as an error instead of crashing.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ExecCredentialTests(ControlPlaneFixture cluster) : IDisposable
{
    private const string V1 = "client.authentication.k8s.io/v1";
    private const string V1Beta1 = "client.authentication.k8s.io/v1beta1";
    private readonly ExecPluginBed _bed = new(cluster);
    private readonly ListLogger _log = new();

    public void Dispose() => _bed.Dispose();

    [Theory]
    [InlineData(V1)]
    [InlineData(V1Beta1)]
    public async Task Crud_PluginPrintsAdminToken_CreatesReadsUpdatesAndDeletes(string apiVersion)
    {
        _bed.WriteTokenPlugin(apiVersion);
        using var client = new KubeClient(_bed.Config(apiVersion), logger: _log);
        var ns = await cluster.CreateNamespaceAsync("exec");
        var map = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = "cm" }, ["data"] = new JsonObject { ["a"] = "1" } };

        var created = await client.CreateAsync(KubeResource.ConfigMaps, ns, map);
        var read = await client.GetAsync(KubeResource.ConfigMaps, ns, "cm");
        var updated = await client.UpdateWithRetryAsync(KubeResource.ConfigMaps, ns, "cm", o => { o["data"]!["a"] = "2"; return true; });
        var deleted = await client.DeleteAsync(KubeResource.ConfigMaps, ns, "cm");
        var gone = await client.GetAsync(KubeResource.ConfigMaps, ns, "cm");

        Assert.True(created.IsSuccess, created.Error?.ToString());
        Assert.True(read.IsSuccess, read.Error?.ToString());
        Assert.Equal("2", Objects.Str(updated.ValueOrThrow(), "data", "a"));
        Assert.True(deleted.IsSuccess, deleted.Error?.ToString());
        Assert.True(gone.Error?.IsNotFound, gone.Error?.ToString());
        Assert.True(_bed.Runs >= 1);
        Assert.Equal(apiVersion, (string?)JsonNode.Parse(_bed.ExecInfo)!["apiVersion"]);
        Assert.Equal(0, _log.CountContaining(_bed.AdminToken));
        Assert.DoesNotContain(_bed.AdminToken, client.Config.ToString());
    }

    [Fact]
    public void Load_PluginFails_ReturnsErrorNamingTheKubeconfig()
    {
        _bed.WritePlugin("echo 'error: SSO session expired; run aws sso login' >&2\nexit 3");

        var result = _bed.Load(V1);

        Assert.False(result.IsSuccess);
        Assert.Contains(_bed.KubeconfigPath, result.Error);
        Assert.Contains("exec", result.Error);
    }

    [Fact]
    public void Load_CommandNotFound_ErrorNamesTheCommand()
    {
        var result = _bed.Load(V1Beta1, command: "canaria-test-no-such-auth-plugin");

        Assert.False(result.IsSuccess);
        Assert.Contains("canaria-test-no-such-auth-plugin", result.Error);
    }

    [Fact]
    public async Task Get_PluginPrintsClientCertificate_AuthenticatesWithIt()
    {
        var pki = Path.Combine(cluster.Directory, "pki");
        var credential = new JsonObject
        {
            ["apiVersion"] = V1,
            ["kind"] = "ExecCredential",
            ["status"] = new JsonObject
            {
                ["clientCertificateData"] = File.ReadAllText(Path.Combine(pki, "admin-cert.crt")),
                ["clientKeyData"] = File.ReadAllText(Path.Combine(pki, "admin-cert.key")),
            },
        };
        File.WriteAllText(Path.Combine(_bed.Directory, "credential.json"), credential.ToJsonString()); // a plugin prints no byte-order mark
        _bed.WritePlugin("cat \"$dir/credential.json\"");
        using var client = new KubeClient(_bed.Config(V1, tokenInEnv: false), logger: _log);

        var result = await client.GetAsync(KubeResource.Namespaces, null, "kube-system");

        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(1, _bed.Runs);
    }
}
