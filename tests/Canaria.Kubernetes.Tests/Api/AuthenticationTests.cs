using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Api;

[Collection(ControlPlaneCollection.Name)]
public sealed class AuthenticationTests(ControlPlaneFixture cluster)
{
    [Fact]
    public async Task Get_KubeconfigWithClientCertificateAndCaFiles_AuthenticatesAsAdmin()
    {
        var loaded = KubeConfigSource.LoadFile(Path.Combine(cluster.Directory, "kubeconfig-client-cert"));
        Assert.True(loaded.IsSuccess, loaded.Error);
        Assert.Null(loaded.Config!.Kube.AccessToken);
        using var client = new KubeClient(loaded.Config);

        var result = await client.GetAsync(KubeResource.Namespaces, null, "kube-system");

        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal("kube-system", Objects.Str(result.Value, "metadata", "name"));
    }

    [Fact]
    public async Task Get_NoCredentials_IsForbiddenForAnonymous()
    {
        using var client = new KubeClient(cluster.ConfigWith(k => k.AccessToken = null));

        var result = await client.GetAsync(KubeResource.Namespaces, null, "kube-system");

        Assert.False(result.IsSuccess);
        Assert.Equal(403, result.Error!.Code);
        Assert.Equal("Forbidden", result.Error.Reason);
    }
}
