namespace Canaria.Kubernetes.Tests.Routing;

/// <summary>
/// An HTTP handler that counts the writes (anything but GET) a client sends and, given <c>interfere</c>, runs it
/// before forwarding the first PUT (another writer changing the same object), so that PUT carries a stale
/// resourceVersion and the API server answers 409; counts the 409s.
/// </summary>
internal sealed class InterferingHandler(Func<Task>? interfere = null) : DelegatingHandler
{
    private int _puts;
    private int _writes;
    private int _conflicts;

    public int Conflicts => Volatile.Read(ref _conflicts);

    public int Writes => Volatile.Read(ref _writes);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Get) Interlocked.Increment(ref _writes);
        if (request.Method == HttpMethod.Put && Interlocked.Increment(ref _puts) == 1 && interfere is not null) await interfere();
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.Conflict) Interlocked.Increment(ref _conflicts);
        return response;
    }
}
