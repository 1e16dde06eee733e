using Canaria.Kubernetes.Client;

namespace Canaria.Kubernetes.Tests.Routing;

/// <summary>Counts the PUTs a KubeClient sends; optionally runs another writer's change just before the first one goes out.</summary>
internal sealed class PutCountingHandler : DelegatingHandler
{
    private readonly Func<Task>? _beforeFirstPut;

    public PutCountingHandler(Func<Task>? beforeFirstPut = null) => _beforeFirstPut = beforeFirstPut;

    public int Puts { get; private set; }
    public int FirstPutStatus { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Put) return await base.SendAsync(request, cancellationToken);
        if (++Puts == 1 && _beforeFirstPut is not null) await _beforeFirstPut();
        var response = await base.SendAsync(request, cancellationToken);
        if (Puts == 1) FirstPutStatus = (int)response.StatusCode;
        return response;
    }
}
