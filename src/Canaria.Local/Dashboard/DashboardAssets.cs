using System.Collections.Frozen;
using System.Text;

namespace Canaria.Local.Dashboard;

/// <summary>
/// The dashboard's page, scripts and styles, embedded in this assembly (Dashboard/Web): plain ES modules and hand-made SVG
/// charts, no build step, nothing from a CDN. Only these files are served, by exact name.
/// </summary>
internal static class DashboardAssets
{
    private const string Prefix = "dashboard/";

    private static readonly Lazy<FrozenDictionary<string, byte[]>> Files = new(Load);

    public static byte[]? Get(string name) => Files.Value.GetValueOrDefault(name);

    public static string Text(string name) =>
        Get(name) is { } bytes ? Encoding.UTF8.GetString(bytes) : throw new InvalidOperationException($"dashboard asset {name} is not embedded in the build");

    public static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".html" => "text/html; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };

    private static FrozenDictionary<string, byte[]> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[resource[Prefix.Length..]] = copy.ToArray();
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
