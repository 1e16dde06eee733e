using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using k8s.Models;

namespace Canaria.Kubernetes.Resources;

/// <summary>
/// Pod templates compared as the Deployment controller compares them (EqualIgnoreHash): everything but the
/// pod-template-hash label counts. The hash of that canonical form names a revision and Canaria's ReplicaSets.
/// </summary>
public static class PodTemplates
{
    public const string HashLabel = "pod-template-hash";
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789"; // the API's SafeEncodeString alphabet: no vowels, no 0/1/3

    /// <summary>Hashes of templates the informers read, taken from the server's JSON before it became a typed model.</summary>
    private static readonly ConditionalWeakTable<V1PodTemplateSpec, string> FromJson = new();

    /// <summary>
    /// A 10-character hash of the template ignoring pod-template-hash; equal templates, equal hashes. A template the
    /// informers cached has the hash of the server's JSON (<see cref="Remember"/>): a field the client's model does not
    /// know (a newer server's) still makes a new revision, and revisions stored by earlier versions keep their hashes.
    /// Any other typed template is hashed in the API server's JSON form rebuilt from the model (equal for every field the
    /// model knows).
    /// </summary>
    public static string Hash(V1PodTemplateSpec? template) =>
        template is not null && FromJson.TryGetValue(template, out var hash) ? hash : HashOfCanonical(Canonical(template));

    /// <summary>The hash of a template read as JSON, every field counted.</summary>
    public static string Hash(JsonNode? template)
    {
        var copy = template?.DeepClone();
        if (copy?["metadata"]?["labels"] is JsonObject labels)
        {
            labels.Remove(HashLabel);
            if (labels.Count == 0) copy["metadata"]!.AsObject().Remove("labels");
        }
        return HashOfCanonical(CanonicalJson.Of(copy));
    }

    /// <summary>Keeps the JSON hash of <paramref name="raw"/> for the typed <paramref name="typed"/> read from it.</summary>
    internal static void Remember(V1PodTemplateSpec? typed, JsonNode? raw)
    {
        if (typed is not null) FromJson.AddOrUpdate(typed, Hash(raw));
    }

    /// <summary>Sorted-key JSON of the template without the pod-template-hash label, as the API server writes it.</summary>
    public static string Canonical(V1PodTemplateSpec? template)
    {
        if (template is null) return CanonicalJson.Of(null);
        var node = JsonSerializer.SerializeToNode(template, InformerCodecs.KubeJson)!.AsObject();
        // The API server always writes a template's metadata with "creationTimestamp": null (Go's zero time); the
        // client's model leaves nulls out.
        var meta = node["metadata"] as JsonObject ?? [];
        node["metadata"] = meta;
        if (!meta.ContainsKey("creationTimestamp")) meta["creationTimestamp"] = null;
        if (meta["labels"] is JsonObject labels)
        {
            labels.Remove(HashLabel);
            if (labels.Count == 0) meta.Remove("labels");
        }
        return CanonicalJson.Of(node);
    }

    /// <summary>The hash of a canonical form (what earlier versions computed from the JSON they read).</summary>
    internal static string HashOfCanonical(string canonical)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(canonical));
        var value = BitConverter.ToUInt64(bytes, 0);
        var sb = new StringBuilder(10);
        for (var i = 0; i < 10; i++)
        {
            sb.Append(Alphabet[(int)(value % (ulong)Alphabet.Length)]);
            value /= (ulong)Alphabet.Length;
        }
        return sb.ToString();
    }
}
