using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Canaria.Kubernetes.Resources;

/// <summary>
/// Pod templates compared as the Deployment controller compares them (EqualIgnoreHash): everything but the
/// pod-template-hash label counts. The hash of that canonical form names a revision and Canaria's ReplicaSets.
/// </summary>
public static class PodTemplates
{
    public const string HashLabel = "pod-template-hash";
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789"; // the API's SafeEncodeString alphabet: no vowels, no 0/1/3

    /// <summary>A 10-character hash of the template ignoring pod-template-hash; equal templates, equal hashes.</summary>
    public static string Hash(JsonNode? template)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(template)));
        var value = BitConverter.ToUInt64(bytes, 0);
        var sb = new StringBuilder(10);
        for (var i = 0; i < 10; i++)
        {
            sb.Append(Alphabet[(int)(value % (ulong)Alphabet.Length)]);
            value /= (ulong)Alphabet.Length;
        }
        return sb.ToString();
    }

    /// <summary>Sorted-key JSON of the template without the pod-template-hash label.</summary>
    public static string Canonical(JsonNode? template)
    {
        var copy = template?.DeepClone();
        if (copy?["metadata"]?["labels"] is JsonObject labels)
        {
            labels.Remove(HashLabel);
            if (labels.Count == 0) copy["metadata"]!.AsObject().Remove("labels");
        }
        return CanonicalJson.Of(copy);
    }
}
