using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Api;

[Collection(ControlPlaneCollection.Name)]
public sealed class CrudTests(ControlPlaneFixture cluster)
{
    private KubeClient Client => cluster.Client;

    [Fact]
    public async Task CreateGetReplaceDelete_ConfigMap_RoundTripsAndKeepsFieldsTheClientDoesNotModel()
    {
        var ns = await cluster.CreateNamespaceAsync("crud");
        var cm = Objects.ConfigMap("settings", new Dictionary<string, string> { ["mode"] = "a" });
        cm["binaryData"] = new JsonObject { ["blob"] = Convert.ToBase64String([1, 2, 3]) };
        cm["metadata"]!["annotations"] = new JsonObject { ["example.dev/owner"] = "team-x" };

        var created = await Client.CreateAsync(KubeResource.ConfigMaps, ns, cm);
        Assert.True(created.IsSuccess, created.Error?.ToString());

        var got = (await Client.GetAsync(KubeResource.ConfigMaps, ns, "settings")).ValueOrThrow();
        got["data"]!["mode"] = "b";
        var replaced = await Client.ReplaceAsync(KubeResource.ConfigMaps, ns, got);
        Assert.True(replaced.IsSuccess, replaced.Error?.ToString());

        var again = (await Client.GetAsync(KubeResource.ConfigMaps, ns, "settings")).ValueOrThrow();
        Assert.Equal("b", Objects.Str(again, "data", "mode"));
        Assert.Equal(Convert.ToBase64String([1, 2, 3]), Objects.Str(again, "binaryData", "blob"));
        Assert.Equal("team-x", Objects.Str(again, "metadata", "annotations", "example.dev/owner"));
        Assert.NotEqual(Objects.Str(created.Value, "metadata", "resourceVersion"), Objects.Str(again, "metadata", "resourceVersion"));

        var deleted = await Client.DeleteAsync(KubeResource.ConfigMaps, ns, "settings", new DeleteOptions { PropagationPolicy = PropagationPolicy.Background });
        Assert.True(deleted.IsSuccess, deleted.Error?.ToString());
        var gone = await Client.GetAsync(KubeResource.ConfigMaps, ns, "settings");
        Assert.False(gone.IsSuccess);
        Assert.True(gone.Error!.IsNotFound);
        Assert.Equal("NotFound", gone.Error.Reason);
    }

    [Fact]
    public async Task Create_Twice_ReturnsAlreadyExistsConflictResult()
    {
        var ns = await cluster.CreateNamespaceAsync("crud");
        (await Client.CreateAsync(KubeResource.ConfigMaps, ns, Objects.ConfigMap("dup"))).ValueOrThrow();

        var second = await Client.CreateAsync(KubeResource.ConfigMaps, ns, Objects.ConfigMap("dup"));

        Assert.False(second.IsSuccess);
        Assert.Equal(409, second.Error!.Code);
        Assert.True(second.Error.IsAlreadyExists);
        Assert.Contains("already exists", second.Error.Message);
    }

    [Fact]
    public async Task Create_InvalidName_ReturnsInvalidResult()
    {
        var ns = await cluster.CreateNamespaceAsync("crud");

        var result = await Client.CreateAsync(KubeResource.ConfigMaps, ns, Objects.ConfigMap("Not_A_Valid_Name"));

        Assert.False(result.IsSuccess);
        Assert.True(result.Error!.IsInvalid);
        Assert.Equal("Invalid", result.Error.Reason);
    }

    [Fact]
    public async Task Replace_StaleResourceVersion_ReturnsConflictResult()
    {
        var ns = await cluster.CreateNamespaceAsync("crud");
        var original = (await Client.CreateAsync(KubeResource.ConfigMaps, ns, Objects.ConfigMap("cm"))).ValueOrThrow();
        var first = (JsonObject)original.DeepClone();
        first["data"] = new JsonObject { ["k"] = "first" };
        (await Client.ReplaceAsync(KubeResource.ConfigMaps, ns, first)).ValueOrThrow();

        var stale = (JsonObject)original.DeepClone();
        stale["data"] = new JsonObject { ["k"] = "stale" };
        var result = await Client.ReplaceAsync(KubeResource.ConfigMaps, ns, stale);

        Assert.False(result.IsSuccess);
        Assert.True(result.Error!.IsConflict);
    }

    [Fact]
    public async Task ListAll_LabelSelectorAndSmallPages_FollowsContinueAndFilters()
    {
        var ns = await cluster.CreateNamespaceAsync("list");
        for (var i = 0; i < 5; i++)
        {
            (await Client.CreateAsync(KubeResource.ConfigMaps, ns, Objects.ConfigMap($"cm-{i}", labels: new Dictionary<string, string> { ["tier"] = i % 2 == 0 ? "even" : "odd" }))).ValueOrThrow();
        }

        var firstPage = (await Client.ListAsync(KubeResource.ConfigMaps, ns, new ListOptions { Limit = 2 })).ValueOrThrow();
        var all = (await Client.ListAllAsync(KubeResource.ConfigMaps, ns, new ListOptions { Limit = 2 })).ValueOrThrow();
        var even = (await Client.ListAllAsync(KubeResource.ConfigMaps, ns, new ListOptions { LabelSelector = "tier=even", Limit = 1 })).ValueOrThrow();

        Assert.Equal(2, firstPage.Items.Count);
        Assert.NotNull(firstPage.Continue);
        Assert.Equal(5, all.Items.Count(i => Objects.Str(i, "metadata", "name")!.StartsWith("cm-", StringComparison.Ordinal)));
        Assert.Equal(["cm-0", "cm-2", "cm-4"], even.Items.Select(i => Objects.Str(i, "metadata", "name")).Order());
        Assert.All(all.Items, i => Assert.Equal("ConfigMap", Objects.Str(i, "kind")));
        Assert.False(string.IsNullOrEmpty(all.ResourceVersion));
    }

    [Fact]
    public async Task Get_ServerCertificateFromAnotherCa_ReturnsTransportErrorNotSuccess()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=other-ca", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var otherCa = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var client = new KubeClient(cluster.ConfigWith(k => k.SslCaCerts = [otherCa]));

        var result = await client.GetAsync(KubeResource.Namespaces, null, "default");

        Assert.False(result.IsSuccess);
        Assert.Equal("Transport", result.Error!.Reason);
    }

    [Fact]
    public async Task Get_WrongToken_Returns401StatusResult()
    {
        using var client = new KubeClient(cluster.ConfigWith(k => k.AccessToken = "not-the-token"));

        var result = await client.GetAsync(KubeResource.Namespaces, null, "default");

        Assert.False(result.IsSuccess);
        Assert.Equal(401, result.Error!.Code);
    }
}
