using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;

namespace Canaria.Kubernetes.Tests.Support;

/// <summary>
/// Installs the third-party CRDs the router tests need (Istio, SMI, Gateway API — one CustomResourceDefinition per file
/// under Assets/crds/, written from the projects' public API references) and waits until each is served.
/// </summary>
internal static class TestCrds
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly HashSet<string> Installed = new(StringComparer.Ordinal);

    public static string Folder => Path.Combine(ControlPlaneFixture.RepositoryRoot(), "tests", "Canaria.Kubernetes.Tests", "Assets", "crds");

    /// <summary>Installs every CRD file of the folder once per control plane (keyed by the client's server).</summary>
    public static async Task InstallAllAsync(KubeClient client)
    {
        await Gate.WaitAsync();
        try
        {
            foreach (var file in Directory.GetFiles(Folder, "*.yaml").Order(StringComparer.Ordinal))
            {
                var crd = (JsonObject)YamlJson.Parse(File.ReadAllText(file))!;
                var name = (string)crd["metadata"]!["name"]!;
                var key = client.Config.Server + "/" + name;
                if (!Installed.Add(key)) continue;
                var created = await client.CreateAsync(KubeResource.CustomResourceDefinitions, null, crd);
                if (!created.IsSuccess && !created.Error!.IsAlreadyExists) throw new InvalidOperationException($"{Path.GetFileName(file)}: {created.Error}");
                await Eventually.WaitAsync(async () =>
                {
                    var got = await client.GetAsync(KubeResource.CustomResourceDefinitions, null, name);
                    return (got.Value?["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
                        .Any(c => (string?)c["type"] == "Established" && (string?)c["status"] == "True") == true;
                }, TimeSpan.FromSeconds(60), $"CRD {name} to be established");
            }
        }
        finally
        {
            Gate.Release();
        }
    }
}
