using System.Collections.Concurrent;

namespace Canaria.Kubernetes.Tests.Support;

/// <summary>Records every request a KubeClient sends except watches (method and path), to prove a controller sends none.</summary>
internal sealed class RequestCounter : DelegatingHandler
{
    private readonly ConcurrentQueue<string> _requests = new();

    public int Count => _requests.Count;

    public IReadOnlyList<string> Requests => [.. _requests];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri?.Query.Contains("watch=true", StringComparison.Ordinal) != true)
            _requests.Enqueue($"{request.Method} {request.RequestUri?.AbsolutePath}");
        return base.SendAsync(request, cancellationToken);
    }
}
