using System.Diagnostics;
using System.Net;
using System.Text;
using Canaria.Kubernetes.Client;
using k8s;

namespace Canaria.Kubernetes.Tests.Client;

public sealed class KubeClientRateLimitTests
{
    private sealed class CountingApi : DelegatingHandler
    {
        public int Requests;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("""{"kind":"ConfigMap","metadata":{"name":"x"}}""", Encoding.UTF8, "application/json"),
            });
        }
    }

    [Fact]
    public async Task GetAsync_MoreRequestsThanBurst_IsSpreadToQps()
    {
        var api = new CountingApi();
        using var client = new KubeClient(new KubeClientConfig { Kube = new KubernetesClientConfiguration { Host = "https://fake.invalid" }, Qps = 20, Burst = 2 }, handler: api);
        var watch = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.GetAsync(KubeResource.ConfigMaps, "ns", "x")));

        // 2 at once, then 4 more at 20/s: at least 200 ms.
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(190), $"took {watch.Elapsed}");
        Assert.Equal(6, api.Requests);
    }

    [Fact]
    public async Task GetAsync_UnauthorizedWithPlainTextBody_ReturnsStatusResult()
    {
        using var client = new KubeClient(new KubeClientConfig { Kube = new KubernetesClientConfiguration { Host = "https://fake.invalid" } }, handler: new PlainText());

        var result = await client.GetAsync(KubeResource.ConfigMaps, "ns", "x");

        Assert.False(result.IsSuccess);
        Assert.Equal(401, result.Error!.Code);
        Assert.Contains("Unauthorized", result.Error.Message);
    }

    private sealed class PlainText : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = new StringContent("Unauthorized") });
    }
}
