namespace Canaria.Kubernetes.Client;

/// <summary>The client-side rate limit (client-go's QPS and burst), in front of every request the client sends, typed or JSON.</summary>
internal sealed class RateLimitHandler(TokenBucket limiter) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await limiter.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
