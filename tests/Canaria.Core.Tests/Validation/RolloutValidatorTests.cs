using Canaria.Core.Model;
using Canaria.Core.Validation;

namespace Canaria.Core.Tests.Validation;

public class RolloutValidatorTests
{
    private static RolloutDocument Local(Func<RolloutSpec, RolloutSpec>? change = null)
    {
        var spec = new RolloutSpec
        {
            Replicas = 4,
            Service = new ServiceSpec { Name = "shop", Listen = "127.0.0.1:8080" },
            Template = new VersionTemplate { Version = "v1", Command = "./shop --port {port}" },
            Strategy = new StrategySpec { Steps = [new StepSpec { Traffic = 10 }, new StepSpec { Traffic = 50, Pause = new PauseSpec() }] },
            Analysis = new AnalysisSpec { Checks = [new CheckSpec { Name = "ok", Metric = MetricKind.SuccessRate, Min = 0.99 }] },
        };
        return new RolloutDocument { Metadata = new ObjectMeta { Name = "shop" }, Spec = change?.Invoke(spec) ?? spec };
    }

    private static readonly CheckSpec PrometheusErrors = new()
    {
        Name = "errors",
        Provider = MetricProvider.Prometheus,
        Address = "http://prometheus.monitoring:9090",
        Query = "sum(rate(http_errors_total{pod_template_hash=\"{{version}}\"}[1m]))",
        Max = 0.01,
    };

    /// <summary>A Kubernetes spec: a Deployment instead of service and template, and a check Kubernetes can measure.</summary>
    private static RolloutDocument Kube(Func<RolloutSpec, RolloutSpec>? change = null) => Local(s =>
    {
        var kube = WithCheck(s with { Service = null, Template = null, WorkloadRef = new WorkloadRef { Name = "shop" } }, PrometheusErrors);
        return change?.Invoke(kube) ?? kube;
    });

    private static RolloutSpec WithStep(RolloutSpec s, StepSpec step) => s with { Strategy = s.Strategy with { Steps = [step] } };

    private static RolloutSpec WithCheck(RolloutSpec s, CheckSpec check) => s with { Analysis = s.Analysis! with { Checks = [check] } };

    private static RolloutSpec WithMatch(RolloutSpec s, MatchSpec match) => WithStep(s, new StepSpec { Matches = [match] });

    [Fact]
    public void Validate_GoodLocalSpec_NoErrors()
    {
        Assert.Empty(RolloutValidator.Validate(Local(), Platform.Local));
    }

    [Fact]
    public void Validate_GoodKubernetesSpec_NoErrors()
    {
        var doc = Kube(s => s with { Webhooks = [new WebhookSpec { Name = "gate", Type = WebhookType.PreRollout, Url = "http://127.0.0.1:1/gate" }] });

        Assert.Empty(RolloutValidator.Validate(doc, Platform.Kubernetes));
    }

    private static readonly (string Field, Func<RolloutSpec, RolloutSpec> Change, string Message)[] Rules =
    [
        ("spec.replicas", s => s with { Replicas = 0 }, "0 must be between 1 and 1000"),
        ("spec.replicas", s => s with { Replicas = 1001 }, "1001 must be between 1 and 1000"),
        ("spec.progressDeadline", s => s with { ProgressDeadline = TimeSpan.Zero }, "must be longer than zero"),
        ("spec.service", s => s with { Service = null }, "is required on the local platform"),
        ("spec.service.name", s => s with { Service = s.Service! with { Name = "Shop_1" } }, "'Shop_1' must be lowercase"),
        ("spec.service.listen", s => s with { Service = s.Service! with { Listen = "8080" } }, "'8080' is not host:port"),
        ("spec.service.listen", s => s with { Service = s.Service! with { Listen = "example.com:80" } }, "is not host:port"),
        ("spec.service.listen", s => s with { Service = s.Service! with { Listen = "127.0.0.1:70000" } }, "is not host:port"),
        ("spec.service.pathPrefix", s => s with { Service = s.Service! with { PathPrefix = "api" } }, "'api' must start with '/'"),
        ("spec.service.tls.certificateFile", s => s with { Service = s.Service! with { Tls = new ServiceTlsSpec { CertificateFile = "tls.crt", KeyFile = "/etc/tls.key" } } }, "'tls.crt' must be an absolute path"),
        ("spec.service.tls.keyFile", s => s with { Service = s.Service! with { Tls = new ServiceTlsSpec { CertificateFile = "/etc/tls.crt" } } }, "is required with tls"),
        ("spec.service.grpcFailureCodes", s => s with { Service = s.Service! with { GrpcFailureCodes = ["UNAVAILABLE"] } }, "applies to gRPC services only"),
        ("spec.service.grpcFailureCodes[1]", s => s with { Service = s.Service! with { Protocol = ServiceProtocol.Grpc, GrpcFailureCodes = ["unavailable", "FLAKY"] } }, "'FLAKY' is not a gRPC status code"),
        ("spec.service.grpcFailureCodes[0]", s => s with { Service = s.Service! with { Protocol = ServiceProtocol.Grpc, GrpcFailureCodes = ["0"] } }, "OK is success"),
        ("spec.template", s => s with { Template = null }, "is required on the local platform"),
        ("spec.template.version", s => s with { Template = s.Template! with { Version = "" } }, "must be 1-63 letters"),
        ("spec.template.version", s => s with { Template = s.Template! with { Version = "v 2" } }, "must be 1-63 letters"),
        ("spec.template", s => s with { Template = s.Template! with { Command = null } }, "needs exactly one of command"),
        ("spec.template", s => s with { Template = s.Template! with { Upstreams = ["http://127.0.0.1:9000/"] } }, "needs exactly one of command"),
        ("spec.template.upstreams[1]", s => s with { Template = s.Template! with { Command = null, Upstreams = ["http://127.0.0.1:9000", "https://x:1"] } }, "is not an http://host:port URL"),
        ("spec.template.upstreams[0]", s => s with { Template = s.Template! with { Command = null, Upstreams = ["http://h:1/path"] } }, "is not an http://host:port URL"),
        ("spec.template.readiness.path", s => s with { Template = s.Template! with { Readiness = new ReadinessSpec { Path = "ready" } } }, "must start with '/'"),
        ("spec.template.readiness.period", s => s with { Template = s.Template! with { Readiness = new ReadinessSpec { Period = TimeSpan.Zero } } }, "must be longer than zero"),
        ("spec.strategy.canary.steps", s => s with { Strategy = new StrategySpec() }, "needs at least one step"),
        ("spec.strategy.canary.steps[0].traffic", s => WithStep(s, new StepSpec { Traffic = 140 }), "140% is more than 100%"),
        ("spec.strategy.canary.steps[0].traffic", s => WithStep(s, new StepSpec { Traffic = -1 }), "-1% is less than 0%"),
        ("spec.strategy.canary.steps[0].replicas", s => WithStep(s, new StepSpec { Replicas = new ReplicaCount(-1, false) }), "-1 is negative"),
        ("spec.strategy.canary.steps[0].replicas", s => WithStep(s, new StepSpec { Replicas = new ReplicaCount(120, true) }), "120% is more than 100%"),
        ("spec.strategy.canary.steps[0].replicas", s => WithStep(s, new StepSpec { Replicas = new ReplicaCount(5, false) }), "5 is more than spec.replicas (4)"),
        ("spec.strategy.canary.steps[0].replicas", s => WithStep(s, new StepSpec { Traffic = 10, Replicas = new ReplicaCount(0, false) }), "is 0 but the step sends traffic to the canary"),
        ("spec.strategy.canary.steps[0].pause.duration", s => WithStep(s, new StepSpec { Pause = new PauseSpec { Duration = TimeSpan.Zero } }), "must be longer than zero"),
        ("spec.strategy.blueGreen.steps[0].replicas", s => s with { Strategy = new StrategySpec { Kind = StrategyKind.BlueGreen, Steps = [new StepSpec { Traffic = 0, Replicas = new ReplicaCount(50, true) }] } }, "runs the new version at full size"),
        ("spec.strategy.canary.steps[0].matches[0].header.name", s => WithMatch(s, new MatchSpec { Kind = MatchKind.Header, Name = "x canary", Value = "1" }), "'x canary' is not a valid header name"),
        ("spec.strategy.canary.steps[0].matches[0].cookie.name", s => WithMatch(s, new MatchSpec { Kind = MatchKind.Cookie, Name = "a=b", Value = "1" }), "is not a valid cookie name"),
        ("spec.strategy.canary.steps[0].matches[0].cookie.regex", s => WithMatch(s, new MatchSpec { Kind = MatchKind.Cookie, Name = "user", Operator = MatchOperator.Regex, Value = "(user=" }), "is not a valid regular expression"),
        ("spec.strategy.canary.steps[0].matches[0].query.exact", s => WithMatch(s, new MatchSpec { Kind = MatchKind.Query, Name = "beta", Value = "" }), "must not be empty"),
        ("spec.strategy.canary.steps[0].matches[0].header.prefix", s => WithMatch(s, new MatchSpec { Kind = MatchKind.Header, Name = "x", Operator = MatchOperator.Prefix, Value = "" }), "must not be empty"),
        ("spec.analysis.interval", s => s with { Analysis = s.Analysis! with { Interval = TimeSpan.FromMilliseconds(50) } }, "must be at least 100ms"),
        ("spec.analysis.failureLimit", s => s with { Analysis = s.Analysis! with { FailureLimit = -1 } }, "must not be negative"),
        ("spec.analysis.inconclusiveLimit", s => s with { Analysis = s.Analysis! with { InconclusiveLimit = -1 } }, "must not be negative"),
        ("spec.analysis.minRequests", s => s with { Analysis = s.Analysis! with { MinRequests = 0 } }, "no data is never a pass"),
        ("spec.analysis.stepPasses", s => s with { Analysis = s.Analysis! with { StepPasses = -1 } }, "must not be negative"),
        ("spec.analysis.checks", s => s with { Analysis = s.Analysis! with { Checks = [] } }, "needs at least one check"),
        ("spec.analysis.checks[0]", s => WithCheck(s, new CheckSpec { Name = "a", Metric = MetricKind.LatencyP99 }), "needs min or max"),
        ("spec.analysis.checks[0].min", s => WithCheck(s, new CheckSpec { Name = "a", Metric = MetricKind.LatencyP99, Min = 500, Max = 100 }), "500 is more than max 100"),
        ("spec.analysis.checks[0].min", s => WithCheck(s, new CheckSpec { Name = "a", Metric = MetricKind.SuccessRate, Min = 99 }), "99 is not a ratio between 0 and 1"),
        ("spec.analysis.checks[0].max", s => WithCheck(s, new CheckSpec { Name = "a", Metric = MetricKind.ErrorRate, Max = -0.1 }), "is not a ratio between 0 and 1"),
        ("spec.analysis.checks[0].max", s => WithCheck(s, new CheckSpec { Name = "a", Metric = MetricKind.LatencyP95, Max = -1 }), "-1 must not be negative"),
        ("spec.analysis.checks[1].name", s => s with { Analysis = s.Analysis! with { Checks = [new CheckSpec { Name = "a", Min = 0.9 }, new CheckSpec { Name = "a", Min = 0.8 }] } }, "'a' is used by another check"),
    ];

    public static TheoryData<int, string, string> SpecRules()
    {
        var data = new TheoryData<int, string, string>();
        for (var i = 0; i < Rules.Length; i++) data.Add(i, Rules[i].Field, Rules[i].Message);
        return data;
    }

    [Theory]
    [MemberData(nameof(SpecRules))]
    public void Validate_BrokenRule_ReportsExactlyThatFieldPath(int rule, string field, string message)
    {
        var errors = RolloutValidator.Validate(Local(Rules[rule].Change), Platform.Local);

        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
        Assert.Equal($"{field}: {error.Message}", error.ToString());
    }

    [Theory]
    [InlineData("apiVersion", "v1", "Rollout", "shop", "is not supported")]
    [InlineData("kind", RolloutDocument.CurrentApiVersion, "Deployment", "shop", "is not Rollout")]
    [InlineData("metadata.name", RolloutDocument.CurrentApiVersion, "Rollout", "Shop", "must be 1-63 lowercase")]
    [InlineData("metadata.name", RolloutDocument.CurrentApiVersion, "Rollout", "", "must be 1-63 lowercase")]
    [InlineData("metadata.name", RolloutDocument.CurrentApiVersion, "Rollout", "-shop", "must be 1-63 lowercase")]
    public void Validate_BadEnvelope_ReportsField(string field, string apiVersion, string kind, string name, string message)
    {
        var doc = Local() with { ApiVersion = apiVersion, Kind = kind, Metadata = new ObjectMeta { Name = name } };

        var error = Assert.Single(RolloutValidator.Validate(doc, Platform.Local));

        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData(null, "Deployment", "spec.workloadRef.name", "is required")]
    [InlineData("", "Deployment", "spec.workloadRef.name", "is required")]
    [InlineData("web", "StatefulSet", "spec.workloadRef.kind", "'StatefulSet' is not supported")]
    public void Validate_KubernetesWithoutDeployment_ReportsWorkloadRef(string? name, string kind, string field, string message)
    {
        var doc = Kube(s => s with { WorkloadRef = name is null ? null : new WorkloadRef { Name = name, Kind = kind } });

        var error = Assert.Single(RolloutValidator.Validate(doc, Platform.Kubernetes));

        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Validate_KubernetesSpec_DoesNotNeedServiceOrTemplate()
    {
        var doc = Kube(s => s with { WorkloadRef = new WorkloadRef { Name = "web" } });

        Assert.Empty(RolloutValidator.Validate(doc, Platform.Kubernetes));
        Assert.Equal(["spec.service", "spec.template"], RolloutValidator.Validate(doc, Platform.Local).Select(e => e.Field));
    }

    [Fact]
    public void Validate_KubernetesGatewayCheck_RefusedNamingWhatToUseInstead()
    {
        var doc = Kube(s => WithCheck(s, new CheckSpec { Name = "ok", Metric = MetricKind.SuccessRate, Min = 0.99 }));

        var error = Assert.Single(RolloutValidator.Validate(doc, Platform.Kubernetes));

        Assert.Equal("spec.analysis.checks[0].provider", error.Field);
        Assert.Contains("does not run on Kubernetes: use provider prometheus", error.Message);
        Assert.Empty(RolloutValidator.Validate(Local(), Platform.Local)); // the same check is fine where the gateway runs
    }

    [Fact]
    public void Validate_BlueGreenWithoutSteps_IsValid()
    {
        var doc = Local(s => s with { Strategy = new StrategySpec { Kind = StrategyKind.BlueGreen } });

        Assert.Empty(RolloutValidator.Validate(doc, Platform.Local));
    }

    [Fact]
    public void Validate_ManyProblems_ReportsEveryOne()
    {
        var doc = Local(s => s with
        {
            Replicas = 0,
            Strategy = new StrategySpec { Steps = [new StepSpec { Traffic = 10 }, new StepSpec { Traffic = 140 }, new StepSpec { Pause = new PauseSpec { Duration = TimeSpan.FromSeconds(-1) } }] },
            Analysis = s.Analysis! with { MinRequests = 0 },
        }) with { Kind = "Job" };

        var fields = RolloutValidator.Validate(doc, Platform.Local).Select(e => e.Field).ToList();

        Assert.Equal(["kind", "spec.replicas", "spec.strategy.canary.steps[1].traffic", "spec.strategy.canary.steps[2].pause.duration", "spec.analysis.minRequests"], fields);
    }

    [Fact]
    public void Validate_CookieRegexForTestUser_IsValid()
    {
        var doc = Local(s => WithMatch(s, new MatchSpec { Kind = MatchKind.Cookie, Name = "user", Operator = MatchOperator.Regex, Value = "^(.*?;)?(user=test-user)(;.*)?$" }));

        Assert.Empty(RolloutValidator.Validate(doc, Platform.Local));
    }

    [Theory]
    [InlineData("127.0.0.1:8080", true)]
    [InlineData("localhost:0", true)]
    [InlineData("[::1]:9000", true)]
    [InlineData("0.0.0.0:65535", true)]
    [InlineData("127.0.0.1:65536", false)]
    [InlineData("127.0.0.1:-1", false)]
    [InlineData(":8080", false)]
    [InlineData("shop:8080", false)]
    [InlineData("127.0.0.1", false)]
    public void TryParseListen_Forms_AcceptsOnlyIpOrLocalhostWithPort(string text, bool ok)
    {
        Assert.Equal(ok, Endpoints.TryParseListen(text, out _, out _));
    }
}
