using System.Net.Http.Headers;
using System.Text;
using k8s;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Canaria.Kubernetes.Client;

/// <summary>
/// The Kubernetes API as JSON objects, on the official client's transport (<see cref="Api"/>: TLS, tokens, client
/// certificates, exec credential plugins) with a client-side rate limit in front of every request, typed or not.
/// Objects are <see cref="JsonObject"/>s, so fields this code does not model survive every read-modify-write; the
/// typed API of <see cref="Api"/> serves the core objects whose whole shape the client knows (Leases, Events).
/// Expected failures (404, 409, 410, 422, transport errors) come back as <see cref="KubeResult{T}"/>.
/// </summary>
public sealed partial class KubeClient : IDisposable
{
    private readonly k8s.Kubernetes _api;
    private readonly TokenBucket _limiter;
    private readonly ILogger _logger;

    /// <param name="handler">Sits between the rate limit and the official client's transport (tests use it to watch or disturb requests).</param>
    public KubeClient(KubeClientConfig config, TimeProvider? time = null, ILogger? logger = null, DelegatingHandler? handler = null)
    {
        Config = config;
        Time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _limiter = new TokenBucket(config.Qps, config.Burst, Time);
        DelegatingHandler[] handlers = handler is null ? [new RateLimitHandler(_limiter)] : [new RateLimitHandler(_limiter), handler];
        _api = new k8s.Kubernetes(config.Kube, handlers);
        _api.HttpClient.DefaultRequestHeaders.UserAgent.Clear();
        if (config.UserAgent is { Length: > 0 } ua)
        {
            _api.HttpClient.DefaultRequestHeaders.UserAgent.ParseAdd(ua);
        }
    }

    public KubeClientConfig Config { get; }
    public TimeProvider Time { get; }
    public string DefaultNamespace => Config.Namespace;

    /// <summary>The official client on the same connection pool and rate limit, for typed calls.</summary>
    public IKubernetes Api => _api;

    public Task<KubeResult<JsonObject>> GetAsync(KubeResource resource, string? ns, string name, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, resource.Path(ns, name), null, null, cancellationToken);

    public async Task<KubeResult<KubeList>> ListAsync(KubeResource resource, string? ns, ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        var query = Query(("labelSelector", options?.LabelSelector), ("fieldSelector", options?.FieldSelector),
            ("limit", options?.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("continue", options?.Continue), ("resourceVersion", options?.ResourceVersion));
        var result = await SendAsync(HttpMethod.Get, resource.Path(ns) + query, null, null, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return KubeResult<KubeList>.Fail(result.Error!);
        }
        var list = result.Value!;
        var items = (list["items"] as JsonArray)?.OfType<JsonObject>().Select(i => (JsonObject)i.DeepClone()).ToList() ?? [];
        foreach (var item in items)
        {
            // Items of a list carry no kind/apiVersion; set them so every object is self-describing.
            item["kind"] ??= resource.Kind;
            item["apiVersion"] ??= resource.ApiVersion;
        }
        var cont = (string?)list["metadata"]?["continue"];
        return KubeResult<KubeList>.Ok(new KubeList
        {
            Items = items,
            ResourceVersion = (string?)list["metadata"]?["resourceVersion"] ?? "",
            Continue = string.IsNullOrEmpty(cont) ? null : cont,
        });
    }

    /// <summary>Every page of a list (following <c>continue</c>), with the first page's resourceVersion.</summary>
    public async Task<KubeResult<KubeList>> ListAllAsync(KubeResource resource, string? ns, ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ListOptions { Limit = 500 };
        var items = new List<JsonObject>();
        string? resourceVersion = null;
        while (true)
        {
            var page = await ListAsync(resource, ns, options, cancellationToken).ConfigureAwait(false);
            if (!page.IsSuccess)
            {
                return page;
            }
            items.AddRange(page.Value!.Items);
            resourceVersion ??= page.Value.ResourceVersion;
            if (page.Value.Continue is null)
            {
                return KubeResult<KubeList>.Ok(new KubeList { Items = items, ResourceVersion = resourceVersion });
            }
            options = options with { Continue = page.Value.Continue, ResourceVersion = null };
        }
    }

    public Task<KubeResult<JsonObject>> CreateAsync(KubeResource resource, string? ns, JsonObject obj, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, resource.Path(ns), obj, "application/json", cancellationToken);

    /// <summary>POST to a subresource, e.g. <c>pods/NAME/binding</c> or <c>pods/NAME/eviction</c>.</summary>
    public Task<KubeResult<JsonObject>> CreateSubresourceAsync(KubeResource resource, string? ns, string name, string subresource, JsonObject obj, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, resource.Path(ns, name, subresource), obj, "application/json", cancellationToken);

    /// <summary>PUT: the object's metadata.resourceVersion makes it conditional (409 if someone wrote in between).</summary>
    public Task<KubeResult<JsonObject>> ReplaceAsync(KubeResource resource, string? ns, JsonObject obj, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, resource.Path(ns, NameOf(obj)), obj, "application/json", cancellationToken);

    /// <summary>PUT to <c>/status</c>: only the status changes; spec changes in <paramref name="obj"/> are ignored.</summary>
    public Task<KubeResult<JsonObject>> ReplaceStatusAsync(KubeResource resource, string? ns, JsonObject obj, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, resource.Path(ns, NameOf(obj), "status"), obj, "application/json", cancellationToken);

    public Task<KubeResult<JsonObject>> DeleteAsync(KubeResource resource, string? ns, string name, DeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["kind"] = "DeleteOptions", ["apiVersion"] = "v1" };
        if (options?.PropagationPolicy is { } policy)
        {
            body["propagationPolicy"] = policy.ToString();
        }
        if (options?.GracePeriodSeconds is { } grace)
        {
            body["gracePeriodSeconds"] = grace;
        }
        if (options?.PreconditionUid is { } uid)
        {
            body["preconditions"] = new JsonObject { ["uid"] = uid };
        }
        return SendAsync(HttpMethod.Delete, resource.Path(ns, name), body, "application/json", cancellationToken);
    }

    /// <summary>A merge, JSON or strategic-merge patch (<paramref name="subresource"/> e.g. "status").</summary>
    public Task<KubeResult<JsonObject>> PatchAsync(KubeResource resource, string? ns, string name, PatchType type, JsonNode patch, string? subresource = null, string? fieldManager = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, resource.Path(ns, name, subresource) + Query(("fieldManager", fieldManager)), patch, ContentType(type), cancellationToken);

    /// <summary>Server-side apply: the fields in <paramref name="obj"/> become owned by <paramref name="fieldManager"/>.</summary>
    public Task<KubeResult<JsonObject>> ApplyAsync(KubeResource resource, string? ns, JsonObject obj, string fieldManager, bool force = false, string? subresource = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, resource.Path(ns, NameOf(obj), subresource) + Query(("fieldManager", fieldManager), ("force", force ? "true" : null)),
            obj, ContentType(PatchType.Apply), cancellationToken);

    public void Dispose() => _api.Dispose();

    private static string ContentType(PatchType type) => type switch
    {
        PatchType.Merge => "application/merge-patch+json",
        PatchType.Json => "application/json-patch+json",
        PatchType.StrategicMerge => "application/strategic-merge-patch+json",
        _ => "application/apply-patch+yaml",
    };

    internal static string NameOf(JsonObject obj) =>
        (string?)obj["metadata"]?["name"] is { Length: > 0 } name ? name : throw new ArgumentException("object has no metadata.name", nameof(obj));

    internal static string Query(params (string Key, string? Value)[] parameters)
    {
        var sb = new StringBuilder();
        foreach (var (key, value) in parameters)
        {
            if (value is null)
            {
                continue;
            }
            sb.Append(sb.Length == 0 ? '?' : '&').Append(key).Append('=').Append(Uri.EscapeDataString(value));
        }
        return sb.ToString();
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string pathAndQuery, JsonNode? body, string? contentType)
    {
        // The server URL may carry a path prefix (a proxy such as Rancher's), so the API path is appended, not resolved.
        var request = new HttpRequestMessage(method, new Uri(_api.BaseUri.AbsoluteUri.TrimEnd('/') + pathAndQuery));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/json");
        }
        return request;
    }

    private static async Task<JsonNode?> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
