using System.Text;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Api;

/// <summary>Kubeconfig users with an exec credential plugin (a shell script) against the real API server.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ExecCredentialTests(ControlPlaneFixture cluster) : IDisposable
{
    private readonly ExecPluginBed _bed = new(cluster);
    private readonly ListLogger _log = new();

    public void Dispose() => _bed.Dispose();

    [Theory]
    [InlineData(ExecPluginConfig.V1)]
    [InlineData(ExecPluginConfig.V1Beta1)]
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
        Assert.Equal(1, _bed.Runs);
        var info = JsonNode.Parse(_bed.ExecInfo)!;
        Assert.Equal(apiVersion, (string?)info["apiVersion"]);
        Assert.Equal("ExecCredential", (string?)info["kind"]);
        Assert.False((bool)info["spec"]!["interactive"]!);
        AssertTokenNeverLogged();
    }

    [Fact]
    public async Task Get_TokenExpiresInSeconds_RunsPluginAgainOnlyAfterExpiry()
    {
        _bed.WriteTokenPlugin(ExecPluginConfig.V1, lifetimeSeconds: 8);
        using var client = new KubeClient(_bed.Config(ExecPluginConfig.V1), logger: _log);

        var first = await client.GetAsync(KubeResource.Namespaces, null, "default");
        var second = await client.GetAsync(KubeResource.Namespaces, null, "default");
        var runsWhileFresh = _bed.Runs;
        await Eventually.WaitAsync(async () => (await client.GetAsync(KubeResource.Namespaces, null, "default")).IsSuccess && _bed.Runs >= 2,
            TimeSpan.FromSeconds(30), "a second plugin run after the token expired");

        Assert.True(first.IsSuccess && second.IsSuccess, first.Error?.ToString() ?? second.Error?.ToString());
        Assert.Equal(1, runsWhileFresh);
        AssertTokenNeverLogged();
    }

    [Fact]
    public async Task Get_ServerRejectsFirstToken_RunsPluginAgainAndRetriesOnce()
    {
        // The first run prints a token the server does not know; later runs print the admin token.
        _bed.WritePlugin($$$"""
            if [ "$(wc -l < "$dir/runs")" -le 1 ]; then TOKEN=not-a-known-token; fi
            printf '{"apiVersion":"{{{ExecPluginConfig.V1}}}","kind":"ExecCredential","status":{"token":"%s"}}\n' "$TOKEN"
            """);
        using var client = new KubeClient(_bed.Config(ExecPluginConfig.V1), logger: _log);

        var result = await client.GetAsync(KubeResource.Namespaces, null, "default");

        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(2, _bed.Runs);
        AssertTokenNeverLogged();
    }

    [Fact]
    public async Task Get_PluginFails_ErrorNamesUserAndCarriesItsStderr()
    {
        _bed.WritePlugin("echo 'error: SSO session expired; run aws sso login' >&2\nexit 3");
        using var client = new KubeClient(_bed.Config(ExecPluginConfig.V1), logger: _log);

        var result = await client.GetAsync(KubeResource.Namespaces, null, "default");

        Assert.False(result.IsSuccess);
        Assert.Contains("SSO session expired; run aws sso login", result.Error!.Message);
        Assert.Contains("exit code 3", result.Error.Message);
        Assert.Contains("'plugin-user'", result.Error.Message);
        AssertTokenNeverLogged();
    }

    [Fact]
    public async Task Get_CommandNotFound_ErrorShowsInstallHint()
    {
        var config = _bed.Config(ExecPluginConfig.V1Beta1, command: "canaria-test-no-such-auth-plugin", installHint: "Install it with: apt-get install no-such-auth-plugin");
        using var client = new KubeClient(config, logger: _log);

        var result = await client.GetAsync(KubeResource.Namespaces, null, "default");

        Assert.False(result.IsSuccess);
        Assert.Contains("canaria-test-no-such-auth-plugin", result.Error!.Message);
        Assert.Contains("Install it with: apt-get install no-such-auth-plugin", result.Error.Message);
    }

    [Theory]
    [InlineData("exec sleep 60")]
    [InlineData("sleep 5 &\necho '{}'")] // exits at once, but a child it left keeps stdout open
    public async Task Get_PluginHangs_IsStoppedAfterItsTimeout(string body)
    {
        _bed.WritePlugin(body);
        var config = _bed.Config(ExecPluginConfig.V1);
        using var client = new KubeClient(config with { Exec = config.Exec! with { Timeout = TimeSpan.FromSeconds(1) } }, logger: _log);

        var result = await client.GetAsync(KubeResource.Namespaces, null, "default");

        Assert.False(result.IsSuccess);
        Assert.Contains("did not finish within", result.Error!.Message);
    }

    [Fact]
    public async Task Get_PluginPrintsClientCertificate_AuthenticatesWithIt()
    {
        var pki = Path.Combine(cluster.Directory, "pki");
        var credential = new JsonObject
        {
            ["apiVersion"] = ExecPluginConfig.V1,
            ["kind"] = "ExecCredential",
            ["status"] = new JsonObject
            {
                ["clientCertificateData"] = File.ReadAllText(Path.Combine(pki, "admin-cert.crt")),
                ["clientKeyData"] = File.ReadAllText(Path.Combine(pki, "admin-cert.key")),
            },
        };
        File.WriteAllText(Path.Combine(_bed.Directory, "credential.json"), credential.ToJsonString(), Encoding.UTF8);
        _bed.WritePlugin("cat \"$dir/credential.json\"");
        using var client = new KubeClient(_bed.Config(ExecPluginConfig.V1, tokenInEnv: false), logger: _log);

        var result = await client.GetAsync(KubeResource.Namespaces, null, "kube-system");

        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(1, _bed.Runs);
    }

    private void AssertTokenNeverLogged()
    {
        Assert.True(_log.CountContaining("exec credential plugin") > 0, "the plugin's runs and failures are logged:\n" + _log.Tail());
        Assert.Equal(0, _log.CountContaining(_bed.AdminToken));
    }
}
