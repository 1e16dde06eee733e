using System.Net;

namespace Canaria.Kubernetes.Tests.Routing;

/// <summary>Runs another writer right before the first PUT whose path contains <paramref name="pathPart"/>, so that PUT meets a 409.</summary>
internal sealed class ConflictInjectingHandler(string pathPart, Func<Task> otherWriter) : DelegatingHandler
{
    private int _fired;

    public int Conflicts { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Put && request.RequestUri!.AbsolutePath.Contains(pathPart, StringComparison.Ordinal)
            && Interlocked.Exchange(ref _fired, 1) == 0)
        {
            await otherWriter();
        }
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict) Conflicts++;
        return response;
    }
}
