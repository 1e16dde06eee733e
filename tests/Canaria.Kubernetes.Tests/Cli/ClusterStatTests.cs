using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Tests.Support;
using static Canaria.Kubernetes.Tests.Cli.StatTestBed;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Cli;

/// <summary>`canaria stat` on a cluster: a real Prometheus scraping a fake data plane (an exporter serving the mesh's or ingress controller's metric names).</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ClusterStatTests(ControlPlaneFixture cluster)
{
    [Fact]
    public async Task Stat_FakeIstioExporter_SuccessRateRpsAndPercentilesPerService()
    {
        var ns = await StatTestBed.RolloutWithRouterAsync(cluster, "stat-istio", new JsonObject { ["istio"] = new JsonObject { ["virtualService"] = new JsonObject { ["name"] = "myapp" } } });
        Dictionary<string, string> Labels(string reporter, string service) => new()
        {
            ["reporter"] = reporter, ["destination_service_namespace"] = ns, ["destination_service_name"] = service, ["destination_workload"] = "myapp",
        };
        await using var exporter = await FakeDataPlaneExporter.StartAsync("istio_requests_total", "istio_request_duration_milliseconds_bucket", ("response_code", "200", "503"),
        [
            // Host mode: the calling proxies (reporter="source") name the Service the VirtualService routed each request to.
            new FakeVersion(Labels("source", "myapp"), 99, 1, StableLatency),           // 99.0% success at 100 rps
            new FakeVersion(Labels("source", "myapp-canary"), 9, 1, CanaryLatency),     // 90.0% success at 10 rps
            // The serving side names destination_service by the Host header: the stable host for the canary's requests too,
            // so it cannot tell the versions apart (all 110 rps under myapp). Not what stat reads.
            new FakeVersion(Labels("destination", "myapp"), 500, 500, CanaryLatency),
        ]);
        await using var prometheus = PrometheusProcess.Start(exporter.Address, "/metrics", "unused");
        await WaitForFullWindowAsync(prometheus, $"istio_requests_total{{destination_service_name=\"myapp-canary\",reporter=\"source\",response_code=\"503\"}}");

        var run = await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "stat", "myapp", "-n", ns, "--prometheus", prometheus.Address.ToString(), "--window", "10s", "-o", "json");
        var text = await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "stat", "myapp", "-n", ns, "--prometheus", prometheus.Address.ToString(), "--window", "10s");

        var json = run.Json();
        Assert.Equal("istio", (string?)json["router"]);
        var versions = json["versions"]!.AsArray();
        Assert.Equal(["stable", "canary"], versions.Select(v => (string?)v!["version"]));
        AssertVersion(versions[0]!, null, "myapp", 99.0 / 100, 100, StableLatency);
        AssertVersion(versions[1]!, null, "myapp-canary", 9.0 / 10, 10, CanaryLatency);
        Assert.Equal(10.0, (double)versions[0]!["rps"]! / (double)versions[1]!["rps"]!, 9); // same scrapes, same extrapolation: the served 100:10
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Matches(@"stable\s+-\s+myapp\s+99\.00%", text.Stdout);
        Assert.Matches(@"canary\s+-\s+myapp-canary\s+90\.00%", text.Stdout);
    }

    [Fact]
    public async Task Stat_FakeIngressNginxExporter_SecondsHistogramReportedInMilliseconds()
    {
        var ns = await StatTestBed.RolloutWithRouterAsync(cluster, "stat-nginx", new JsonObject { ["nginx"] = new JsonObject { ["ingress"] = "myapp" } });
        Dictionary<string, string> Labels(string service, string canary) => new() { ["namespace"] = ns, ["ingress"] = service, ["service"] = service, ["canary"] = canary };
        var stableSeconds = StableLatency.Select(b => (b.Le / 1000, b.Share)).ToArray();
        var canarySeconds = CanaryLatency.Select(b => (b.Le / 1000, b.Share)).ToArray();
        await using var exporter = await FakeDataPlaneExporter.StartAsync("nginx_ingress_controller_requests", "nginx_ingress_controller_request_duration_seconds_bucket",
            ("status", "200", "500"),
        [
            new FakeVersion(Labels("myapp", ""), 49.5, 0.5, stableSeconds),               // 99.0% at 50 rps
            new FakeVersion(Labels("myapp-canary", "myapp-canary"), 4.75, 0.25, canarySeconds), // 95.0% at 5 rps
        ]);
        await using var prometheus = PrometheusProcess.Start(exporter.Address, "/metrics", "unused");
        await WaitForFullWindowAsync(prometheus, "nginx_ingress_controller_requests{service=\"myapp-canary\",status=\"500\"}");

        var json = (await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "stat", "myapp", "-n", ns, "--prometheus", prometheus.Address.ToString(), "--window", "10s", "-o", "json")).Json();

        Assert.Equal("nginx", (string?)json["router"]);
        var versions = json["versions"]!.AsArray();
        AssertVersion(versions[0]!, null, "myapp", 0.99, 50, stableSeconds, toMs: 1000);
        AssertVersion(versions[1]!, null, "myapp-canary", 0.95, 5, canarySeconds, toMs: 1000);
        Assert.Equal(10.0, (double)versions[0]!["rps"]! / (double)versions[1]!["rps"]!, 9);
    }

    [Fact]
    public async Task Stat_IngressNginxScrapedThroughServiceMonitor_MatchesExportedNamespaceAndService()
    {
        var ns = await StatTestBed.RolloutWithRouterAsync(cluster, "stat-nginx-sm", new JsonObject { ["nginx"] = new JsonObject { ["ingress"] = "myapp" } });
        // As Prometheus Operator stores them: the scrape target's namespace/service win, the metric's own move to exported_*.
        Dictionary<string, string> Labels(string service) => new()
        {
            ["namespace"] = "ingress-nginx", ["service"] = "ingress-nginx-controller-metrics", ["exported_namespace"] = ns, ["exported_service"] = service, ["ingress"] = service,
        };
        var stableSeconds = StableLatency.Select(b => (b.Le / 1000, b.Share)).ToArray();
        var canarySeconds = CanaryLatency.Select(b => (b.Le / 1000, b.Share)).ToArray();
        await using var exporter = await FakeDataPlaneExporter.StartAsync("nginx_ingress_controller_requests", "nginx_ingress_controller_request_duration_seconds_bucket",
            ("status", "200", "500"),
        [
            new FakeVersion(Labels("myapp"), 49.5, 0.5, stableSeconds),            // 99.0% at 50 rps
            new FakeVersion(Labels("myapp-canary"), 4.75, 0.25, canarySeconds),    // 95.0% at 5 rps
        ]);
        await using var prometheus = PrometheusProcess.Start(exporter.Address, "/metrics", "unused");
        await WaitForFullWindowAsync(prometheus, "nginx_ingress_controller_requests{exported_service=\"myapp-canary\",status=\"500\"}");

        var json = (await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "stat", "myapp", "-n", ns, "--prometheus", prometheus.Address.ToString(), "--window", "10s", "-o", "json")).Json();

        var versions = json["versions"]!.AsArray();
        AssertVersion(versions[0]!, null, "myapp", 0.99, 50, stableSeconds, toMs: 1000);
        AssertVersion(versions[1]!, null, "myapp-canary", 0.95, 5, canarySeconds, toMs: 1000);
    }

    [Fact]
    public async Task Stat_FakeLinkerdExporter_StableVersionFoundByPodTemplateHash()
    {
        var ns = await StatTestBed.RolloutWithRouterAsync(cluster, "stat-linkerd", new JsonObject { ["smi"] = new JsonObject { ["rootService"] = "myapp-apex" } });
        var rs = await StatTestBed.ReplicaSetOfAsync(cluster, ns, RolloutObjects.Deployment("myapp", 1, "app:v1"));
        var podHash = Objects.Str(rs, "metadata", "labels", PodTemplates.HashLabel)!;
        await StoreStatusAsync(cluster, ns, rs, canary: null);
        Dictionary<string, string> Labels(string direction) => new()
        {
            ["direction"] = direction, ["dst_namespace"] = ns, ["dst_deployment"] = "myapp", ["dst_pod_template_hash"] = podHash,
        };
        await using var exporter = await FakeDataPlaneExporter.StartAsync("response_total", "response_latency_ms_bucket", ("classification", "success", "failure"),
        [
            new FakeVersion(Labels("outbound"), 19.6, 0.4, StableLatency), // 98.0% at 20 rps, as the callers' proxies see it
            new FakeVersion(Labels("inbound"), 1, 99, CanaryLatency),      // the pods' own proxies: not what stat reads
        ]);
        await using var prometheus = PrometheusProcess.Start(exporter.Address, "/metrics", "unused");
        await WaitForFullWindowAsync(prometheus, "response_total{direction=\"outbound\",classification=\"failure\"}");

        var json = (await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "stat", "myapp", "-n", ns, "--prometheus", prometheus.Address.ToString(), "--window", "10s", "-o", "json")).Json();

        Assert.Equal("smi (linkerd)", (string?)json["router"]);
        AssertVersion(Assert.Single(json["versions"]!.AsArray())!, 1, podHash, 0.98, 20, StableLatency);
    }

    [Fact]
    public async Task Stat_GatewayApiOrNoRouter_ExitsTwoNamingTheMissingMetrics()
    {
        var gateway = await StatTestBed.RolloutWithRouterAsync(cluster, "stat-gwapi", new JsonObject { ["gatewayAPI"] = new JsonObject { ["httpRoute"] = "myapp" } });
        var none = await StatTestBed.RolloutWithRouterAsync(cluster, "stat-none", null);

        var withGateway = await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "stat", "myapp", "-n", gateway, "--prometheus", "http://127.0.0.1:1");
        var withoutRouter = await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "stat", "myapp", "-n", none, "--prometheus", "http://127.0.0.1:1");

        Assert.True(withGateway.ExitCode == 2, withGateway.ToString());
        Assert.Contains("spec.trafficRouting.gatewayAPI, which exports no standard per-version request metrics", withGateway.Stderr);
        Assert.Contains("istio_requests_total", withGateway.Stderr);
        Assert.Contains("nginx_ingress_controller_requests", withGateway.Stderr);
        Assert.True(withoutRouter.ExitCode == 2, withoutRouter.ToString());
        Assert.Contains("has no spec.trafficRouting", withoutRouter.Stderr);
    }
}
