using Canaria.Core.Model;
using Canaria.Core.Serialization;
using Canaria.Core.Validation;

namespace Canaria.Core.Tests.Validation;

public class TrafficRoutingValidatorTests
{
    private const string Head = """
        apiVersion: canaria.dev/v1alpha1
        kind: Rollout
        metadata: {name: web}
        spec:
          workloadRef: {apiVersion: apps/v1, kind: Deployment, name: web}
          service: {name: web}

        """;

    private static (RolloutDocument? Doc, IReadOnlyList<FieldError> Errors) Parse(string tail, Platform platform = Platform.Kubernetes)
    {
        var parsed = RolloutYaml.Parse(Head + tail);
        var errors = parsed.Errors.ToList();
        if (parsed.Document is { } doc) errors.AddRange(RolloutValidator.Validate(doc, platform));
        return (parsed.Document, errors);
    }

    private static string Steps(string router, string step) => $$"""
          trafficRouting:
        {{router}}
          strategy:
            canary:
              steps:
                - {{step}}
        """;

    private const string Istio = "    istio: {virtualService: {name: web-vs, routes: [primary]}}";
    private const string Smi = "    smi: {rootService: web-apex}";
    private const string Nginx = "    nginx: {ingress: web}";
    private const string GatewayApi = "    gatewayAPI: {httpRoute: web}";

    [Fact]
    public void Parse_EveryRouter_ReadsTheirFields()
    {
        var (doc, errors) = Parse("""
              trafficRouting:
                istio:
                  virtualService: {name: web-vs, routes: [primary, api]}
                  destinationRule: {name: web-dr, stableSubsetName: v1, canarySubsetName: v2}
                smi: {trafficSplitName: web-split, rootService: web-apex, apiVersion: split.smi-spec.io/v1alpha3}
                nginx: {ingress: web-ingress, annotationPrefix: custom.nginx.org}
                gatewayAPI: {httpRoute: web-route}
              strategy:
                canary:
                  steps:
                    - {traffic: 10, mirror: 20}
            """);

        var routing = doc!.Spec.TrafficRouting!;
        Assert.Equal("web-vs", routing.Istio!.VirtualService);
        Assert.Equal(["primary", "api"], routing.Istio.Routes);
        Assert.Equal(new IstioDestinationRule { Name = "web-dr", StableSubset = "v1", CanarySubset = "v2" }, routing.Istio.DestinationRule);
        Assert.Equal(new SmiRouting { TrafficSplit = "web-split", RootService = "web-apex", ApiVersion = "split.smi-spec.io/v1alpha3" }, routing.Smi);
        Assert.Equal(new NginxRouting { Ingress = "web-ingress", AnnotationPrefix = "custom.nginx.org" }, routing.Nginx);
        Assert.Equal("web-route", routing.GatewayApi!.HttpRoute);
        Assert.Equal(20, doc.Spec.Strategy.Steps[0].Mirror);
        // subset routing and service routers together are refused (the stable Service cannot select one and both versions)
        Assert.Contains(errors, e => e.Field == "spec.trafficRouting.istio.destinationRule");
        Assert.Contains(errors, e => e.Field == "spec.strategy.canary.steps[0].mirror" && e.Message.Contains("SMI"));
    }

    [Theory]
    [InlineData(Istio, "{traffic: 10, mirror: 50, matches: [{cookie: {name: user, exact: test-user}}, {query: {name: beta, exact: '1'}}]}")]
    [InlineData(GatewayApi, "{traffic: 10, mirror: 50, matches: [{cookie: {name: user, regex: 'test-.*'}}, {header: {name: x-beta, prefix: yes}}]}")]
    [InlineData(Nginx, "{traffic: 10, matches: [{header: {name: x-canary, regex: '^always$'}}, {cookie: {name: canary, exact: always}}]}")]
    [InlineData(Smi, "{traffic: 10}")]
    public void Validate_FeatureTheRouterCarries_NoErrors(string router, string step)
    {
        var (_, errors) = Parse(Steps(router, step));

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData(Smi, "{traffic: 10, mirror: 5}", "spec.strategy.canary.steps[0].mirror", "SMI TrafficSplit cannot mirror")]
    [InlineData(Smi, "{traffic: 0, matches: [{header: {name: x-beta, exact: '1'}}]}", "spec.strategy.canary.steps[0].matches", "routes by weight only")]
    [InlineData(Nginx, "{traffic: 10, mirror: 5}", "spec.strategy.canary.steps[0].mirror", "ingress-nginx canary annotations cannot mirror")]
    [InlineData(Nginx, "{traffic: 0, matches: [{cookie: {name: user, exact: test-user}}]}", "spec.strategy.canary.steps[0].matches[0].cookie", "only when the cookie's value is \"always\"")]
    [InlineData(Nginx, "{traffic: 0, matches: [{query: {name: beta, exact: '1'}}]}", "spec.strategy.canary.steps[0].matches[0].query", "cannot route by query")]
    [InlineData(Nginx, "{traffic: 0, matches: [{header: {name: a, exact: '1'}}, {header: {name: b, exact: '1'}}]}", "spec.strategy.canary.steps[0].matches", "one header match")]
    [InlineData(Istio, "{traffic: 10, mirror: 101}", "spec.strategy.canary.steps[0].mirror", "101% must be between 0% and 100%")]
    public void Validate_FeatureTheRouterCannotCarry_ErrorNamesTheField(string router, string step, string field, string message)
    {
        var (_, errors) = Parse(Steps(router, step));

        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("{traffic: 0, matches: [{header: {name: x-beta, exact: '1'}}]}", "spec.strategy.canary.steps[0].matches", "need spec.trafficRouting")]
    [InlineData("{traffic: 10, mirror: 10}", "spec.strategy.canary.steps[0].mirror", "needs spec.trafficRouting")]
    public void Validate_NoRouterOnKubernetes_MatchesAndMirrorRefused(string step, string field, string message)
    {
        var (_, errors) = Parse($$"""
              strategy:
                canary:
                  steps:
                    - {{step}}
            """);

        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Validate_TrafficRoutingOnLocal_RefusedWithTheReason()
    {
        var doc = RolloutYaml.Parse(Head + Steps(Istio, "{traffic: 10}")).Document!;
        var local = doc with { Spec = doc.Spec with { Template = new VersionTemplate { Version = "v1", Command = "./web --port {port}" } } };

        var errors = RolloutValidator.Validate(local, Platform.Local);

        Assert.Contains(errors, e => e.Field == "spec.trafficRouting" && e.Message.Contains("Kubernetes platform"));
    }

    [Fact]
    public void Validate_RoutersWithoutStableService_ServiceNameRequired()
    {
        var doc = RolloutYaml.Parse(Head.Replace("  service: {name: web}\n", "", StringComparison.Ordinal) + Steps(GatewayApi, "{traffic: 10}")).Document!;

        var error = Assert.Single(RolloutValidator.Validate(doc, Platform.Kubernetes));

        Assert.Equal("spec.service.name", error.Field);
    }

    [Theory]
    [InlineData("    istio: {virtualService: {routes: [a]}}", "spec.trafficRouting.istio.virtualService.name")]
    [InlineData("    smi: {trafficSplitName: x}", "spec.trafficRouting.smi.rootService")]
    [InlineData("    smi: {rootService: a, apiVersion: split.smi-spec.io/v1alpha1}", "spec.trafficRouting.smi.apiVersion")]
    [InlineData("    nginx: {ingres: web}", "spec.trafficRouting.nginx.ingres")]
    [InlineData("    linkerd: {}", "spec.trafficRouting.linkerd")]
    public void Parse_BadRouterBlock_ErrorNamesTheField(string router, string field)
    {
        var (_, errors) = Parse(Steps(router, "{traffic: 10}"));

        Assert.Contains(errors, e => e.Field == field);
    }
}
