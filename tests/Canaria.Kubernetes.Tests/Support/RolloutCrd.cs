using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;

namespace Canaria.Kubernetes.Tests.Support;

/// <summary>Installs deploy/crds/rollouts.canaria.dev.yaml once per control plane and waits until it is served.</summary>
internal static class RolloutCrd
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static JsonObject Definition() =>
        (JsonObject)YamlJson.Parse(File.ReadAllText(Path.Combine(ControlPlaneFixture.RepositoryRoot(), "deploy", "crds", "rollouts.canaria.dev.yaml")))!;

    public static async Task InstallAsync(KubeClient client)
    {
        await Gate.WaitAsync();
        try
        {
            var crd = Definition();
            var created = await client.CreateAsync(KubeResource.CustomResourceDefinitions, null, crd);
            if (!created.IsSuccess && !created.Error!.IsAlreadyExists) created.ValueOrThrow();
            await Eventually.WaitAsync(async () =>
            {
                var got = await client.GetAsync(KubeResource.CustomResourceDefinitions, null, "rollouts.canaria.dev");
                var established = (got.Value?["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
                    .Any(c => (string?)c["type"] == "Established" && (string?)c["status"] == "True") == true;
                return established && (await client.ListAsync(Canaria.Kubernetes.Controller.RolloutResource.Rollouts, "default")).IsSuccess;
            }, TimeSpan.FromSeconds(60), "the Rollout CRD to be established and served");
        }
        finally
        {
            Gate.Release();
        }
    }
}
