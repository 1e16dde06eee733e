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

    /// <summary>
    /// A 10-character hash of the template ignoring pod-template-hash; equal templates, equal hashes. The template is
    /// hashed in the API server's own JSON form (as earlier Canaria versions hashed the JSON they read), so the revisions
    /// stored in a Rollout's status keep their hashes across the move to typed objects.
    /// </summary>
    public static string Hash(V1PodTemplateSpec? template) => HashOfCanonical(Canonical(template));

    /// <summary>The same hash of a template read as JSON (it is read as the typed model first, so both forms hash alike).</summary>
    public static string Hash(JsonNode? template) =>
        Hash(template is JsonObject o ? InformerCodecs.Typed<V1PodTemplateSpec>(o) : null);

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
