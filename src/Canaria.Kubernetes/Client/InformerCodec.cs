using System.Text.Json.Nodes;

namespace Canaria.Kubernetes.Client;

/// <summary>
/// How an informer turns a listed or watched object into what it caches, and reads that object's identity back.
/// Every shape first drops <c>metadata.managedFields</c> and the <c>kubectl.kubernetes.io/last-applied-configuration</c>
/// annotation, as client-go's cache transforms do: nothing here reads them, and they are often half of an object.
/// </summary>
internal abstract class InformerCodec<T> where T : class
{
    public abstract T Decode(JsonObject raw);

    public abstract CachedIdentity Identity(T obj);
}
