using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Canaria.Core.Model;
using Canaria.Core.Serialization;

namespace Canaria.Local.Controller;

/// <summary>Templates as stored per revision: canonical JSON (env sorted) and its hash, which identifies the revision.</summary>
internal static class RevisionTemplates
{
    public static string Serialize(VersionTemplate template) =>
        JsonSerializer.Serialize(template with { Env = new SortedDictionary<string, string>(template.Env.ToDictionary(), StringComparer.Ordinal) }, CoreJson.Options);

    public static VersionTemplate Deserialize(string json) =>
        JsonSerializer.Deserialize<VersionTemplate>(json, CoreJson.Options) ?? new VersionTemplate();

    public static string Hash(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)), 0, 8);
}
