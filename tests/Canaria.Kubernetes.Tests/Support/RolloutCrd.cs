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
            await TestCrds.CreateAndWaitAsync(client, Definition(), "deploy/crds/rollouts.canaria.dev.yaml");
        }
        finally
        {
            Gate.Release();
        }
    }
}
