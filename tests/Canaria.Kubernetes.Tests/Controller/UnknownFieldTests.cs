using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;
using Canaria.Kubernetes.Tests.Cli;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Controller;

/// <summary>
/// A typo in a Rollout applied without client-side validation (kubectl --validate=false, as server-side apply and GitOps
/// tools do) reaches the controller (the CRD keeps unknown fields under spec instead of pruning them) and is refused
/// with its path. The apiserver here (1.20) has no server-side field validation, so only Canaria can catch it.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class UnknownFieldTests(ControlPlaneFixture cluster)
{
    [Fact]
    public async Task KubectlApplyWithoutValidation_TypoUnderSpec_KeptAndReportedInvalidWithItsPath()
    {
        await using var s = await RolloutScenario.StartAsync(cluster, "typo");
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v2"), ready: 2);
        var file = Path.Combine(cluster.Directory, $"typo-{s.Namespace}.yaml");
        await File.WriteAllTextAsync(file, """
            apiVersion: canaria.dev/v1alpha1
            kind: Rollout
            metadata:
              name: myapp
            spec:
              workloadRef: {apiVersion: apps/v1, kind: Deployment, name: myapp}
              strategy:
                canary:
                  trafic: 10
                  steps:
                    - replicas: 1
                      trafic: 20
                      pause: {}
            """);

        var apply = await KubeTools.RunAsync(KubeTools.Kubectl, cluster.KubeconfigPath, null, "apply", "--validate=false", "-f", file, "-n", s.Namespace);

        Assert.True(apply.ExitCode == 0, apply.ToString());
        var stored = (await s.Client.GetAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).ValueOrThrow();
        Assert.Equal(10, (int?)stored["spec"]?["strategy"]?["canary"]?["trafic"]); // not pruned by the schema
        Assert.Equal(20, (int?)stored["spec"]?["strategy"]?["canary"]?["steps"]?[0]?["trafic"]);
        var invalid = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Invalid", "the typo reported Invalid");
        var message = Objects.Str(invalid, "status", "message") ?? "";
        Assert.Contains("spec.strategy.canary.trafic", message, StringComparison.Ordinal);
        Assert.Contains("spec.strategy.canary.steps[0].trafic", message, StringComparison.Ordinal);
        Assert.Equal("False", Objects.Str(invalid["status"]!["conditions"]![0], "status"));
        var deployment = (await s.Client.GetAsync(KubeResource.Deployments, s.Namespace, "myapp")).ValueOrThrow();
        Assert.NotEqual(true, (bool?)deployment["spec"]?["paused"]); // an Invalid Rollout takes nothing over
    }
}
