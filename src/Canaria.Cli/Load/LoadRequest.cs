namespace Canaria.Cli.Load;

/// <summary>The request every load client sends: URL, Host header (a service's first spec.service.hosts entry), extra headers.</summary>
internal sealed record LoadRequest(Uri Target, string VersionHeader = "x-canaria-version", string? Host = null, IReadOnlyList<KeyValuePair<string, string>>? Headers = null)
{
    public HttpRequestMessage Message()
    {
        var message = new HttpRequestMessage(HttpMethod.Get, Target);
        if (Host is not null) message.Headers.Host = Host;
        foreach (var (name, value) in Headers ?? [])
            message.Headers.TryAddWithoutValidation(name, value);
        return message;
    }
}
