using System.Text.Json.Nodes;

namespace Canaria.Kubernetes.Client;

public sealed partial class KubeClient
{
    /// <summary>
    /// A GET read as one of the official client's models (a <c>k8s.Models</c> type), without managedFields and the
    /// last-applied-configuration annotation. For reads only: a model drops the fields it does not know, so writes stay
    /// patches of JSON.
    /// </summary>
    public async Task<KubeResult<T>> GetAsync<T>(KubeResource resource, string? ns, string name, CancellationToken cancellationToken = default) where T : class
    {
        var got = await GetAsync(resource, ns, name, cancellationToken).ConfigureAwait(false);
        return got.IsSuccess ? KubeResult<T>.Ok(Model<T>(got.Value!)) : KubeResult<T>.Fail(got.Error!);
    }

    /// <summary>Every page of a list, each item read as one of the official client's models (see <see cref="GetAsync{T}"/>).</summary>
    public async Task<KubeResult<IReadOnlyList<T>>> ListAllAsync<T>(KubeResource resource, string? ns, ListOptions? options = null, CancellationToken cancellationToken = default)
        where T : class
    {
        var list = await ListAllAsync(resource, ns, options, cancellationToken).ConfigureAwait(false);
        return list.IsSuccess
            ? KubeResult<IReadOnlyList<T>>.Ok([.. list.Value!.Items.Select(Model<T>)])
            : KubeResult<IReadOnlyList<T>>.Fail(list.Error!);
    }

    /// <summary>A JSON object as one of the official client's models, stripped as the informers' caches are (the two fields are removed from <paramref name="obj"/>).</summary>
    public static T Model<T>(JsonObject obj) where T : class => InformerCodecs.Typed<T>(InformerCodecs.Strip(obj));
}
