namespace Canaria.Kubernetes.Client;

/// <summary>What an informer needs of a cached object: where it is kept, whether a write is of the same object, and how new it is.</summary>
internal readonly record struct CachedIdentity(string? Namespace, string? Name, string? Uid, string? ResourceVersion);
