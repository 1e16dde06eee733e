using System.Text.Json.Nodes;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Tests.Support;
using static Canaria.Kubernetes.Tests.Cli.StatTestBed;

namespace Canaria.Kubernetes.Tests.Cli;

/// <summary>`canaria stat` for Istio subset routing (one Service, two subsets): versions are told apart by the pods' `version` label.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ClusterStatIstioSubsetTests(ControlPlaneFixture cluster)
{
    private static readonly JsonObject Subsets = new()
    {
        ["istio"] = new JsonObject
        {
            ["virtualService"] = new JsonObject { ["name"] = "myapp" },
            ["destinationRule"] = new JsonObject { ["name"] = "myapp", ["stableSubsetName"] = "stable", ["canarySubsetName"] = "canary" },
        },
    };

    private static JsonObject Deployment(string image, string? version)
    {
        var d = RolloutObjects.Deployment("myapp", 1, image);
        if (version is not null) d["spec"]!["template"]!["metadata"]!["labels"]!["version"] = version;
        return d;
    }

    [Fact]
    public async Task Stat_FakeIstioExporterSubsets_VersionsByDestinationVersionLabel()
    {
        var ns = await RolloutWithRouterAsync(cluster, "stat-subsets", (JsonObject)Subsets.DeepClone());
        var stable = await ReplicaSetOfAsync(cluster, ns, Deployment("app:v1", "v1"));
        var canary = await ReplicaSetOfAsync(cluster, ns, Deployment("app:v2", "v2"));
        await StoreStatusAsync(cluster, ns, stable, canary);
        Dictionary<string, string> Labels(string version) => new()
        {
            ["reporter"] = "destination", ["destination_service_namespace"] = ns, ["destination_service_name"] = "myapp", ["destination_version"] = version,
        };
        await using var exporter = await FakeDataPlaneExporter.StartAsync("istio_requests_total", "istio_request_duration_milliseconds_bucket", ("response_code", "200", "500"),
        [
            new FakeVersion(Labels("v1"), 79.2, 0.8, StableLatency), // 99.0% at 80 rps
            new FakeVersion(Labels("v2"), 7, 1, CanaryLatency),       // 87.5% at 8 rps
        ]);
        await using var prometheus = PrometheusProcess.Start(exporter.Address, "/metrics", "unused");
        await WaitForFullWindowAsync(prometheus, "istio_requests_total{destination_version=\"v2\",response_code=\"500\"}");

        var json = await StatJsonAsync(cluster, ns, prometheus);

        var versions = json["versions"]!.AsArray();
        Assert.Equal(["stable", "canary"], versions.Select(v => (string?)v!["version"]));
        AssertVersion(versions[0]!, 1, "v1", 0.99, 80, StableLatency);
        AssertVersion(versions[1]!, 2, "v2", 0.875, 8, CanaryLatency);
        Assert.Equal(10.0, (double)versions[0]!["rps"]! / (double)versions[1]!["rps"]!, 9);
    }

    [Fact]
    public async Task Stat_IstioSubsetsWithoutVersionLabels_ExitsTwoSayingWhatIsMissing()
    {
        var ns = await RolloutWithRouterAsync(cluster, "stat-subsets-nolabel", (JsonObject)Subsets.DeepClone());
        var stable = await ReplicaSetOfAsync(cluster, ns, Deployment("app:v1", null));
        var canary = await ReplicaSetOfAsync(cluster, ns, Deployment("app:v2", null));
        await StoreStatusAsync(cluster, ns, stable, canary);

        var run = await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "stat", "myapp", "-n", ns, "--prometheus", "http://127.0.0.1:1");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("routes with Istio subsets of one Service (myapp)", run.Stderr);
        Assert.Contains("`version` label (destination_version)", run.Stderr);
    }
}
