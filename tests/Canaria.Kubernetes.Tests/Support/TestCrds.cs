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

    private static KubeResource Served(JsonObject crd)
    {
        var spec = crd["spec"]!;
        var version = spec["versions"]!.AsArray().OfType<JsonObject>().First(v => v["served"]?.GetValue<bool>() != false);
        return new KubeResource((string)spec["group"]!, (string)version["name"]!, (string)spec["names"]!["plural"]!, (string)spec["names"]!["kind"]!);
    }

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
                if (Installed.Contains(key)) continue;
                await CreateAndWaitAsync(client, crd, Path.GetFileName(file));
                Installed.Add(key); // only once it really is: a failed install is tried again by the next test
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Creates one CRD (already existing is fine) and waits until it is established and its resource is served.</summary>
    public static async Task CreateAndWaitAsync(KubeClient client, JsonObject crd, string source)
    {
        var name = (string)crd["metadata"]!["name"]!;
        var created = await client.CreateAsync(KubeResource.CustomResourceDefinitions, null, crd);
        if (!created.IsSuccess && !created.Error!.IsAlreadyExists) throw new InvalidOperationException($"{source}: {created.Error}");
        await Eventually.WaitAsync(async () =>
        {
            var got = await client.GetAsync(KubeResource.CustomResourceDefinitions, null, name);
            var established = (got.Value?["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
                .Any(c => (string?)c["type"] == "Established" && (string?)c["status"] == "True") == true;
            // Established can come before the resource is served; a list proves it is.
            return established && (await client.ListAsync(Served(crd), "default")).IsSuccess;
        }, TimeSpan.FromSeconds(60), $"CRD {name} to be established and served");
    }
}
