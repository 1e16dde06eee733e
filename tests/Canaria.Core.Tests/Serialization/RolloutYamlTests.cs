using Canaria.Core.Model;
using Canaria.Core.Serialization;

namespace Canaria.Core.Tests.Serialization;

public class RolloutYamlTests
{
    private const string Full = """
        apiVersion: canaria.dev/v1alpha1
        kind: Rollout
        metadata:
          name: shop
          namespace: prod
          labels:
            team: web
          annotations:
            note: ignored
        spec:
          replicas: 10
          progressDeadline: 5m
          scaleDownDelay: 1m30s
          service:
            name: shop
            listen: 127.0.0.1:0
            hosts: [shop.local, www.shop.local]
            pathPrefix: /api
            sticky: true
            versionHeader: x-version
            protocol: grpc
            tls: {certificateFile: /etc/shop/tls.crt, keyFile: /etc/shop/tls.key}
            grpcFailureCodes: [UNAVAILABLE, "13"]
          template:
            version: v2
            command: ./shop --port {port}
            env:
              MODE: canary
            workingDirectory: /srv/shop
            readiness:
              path: /ready
              period: 500ms
              timeout: 2s
          strategy:
            canary:
              steps:
                - matches:
                    - cookie:
                        name: user
                        regex: ^(.*?;)?(user=test-user)(;.*)?$
                    - header:
                        name: x-canary
                        exact: "always"
                  pause: {}
                - traffic: 10
                  replicas: "20%"
                - traffic: "30%"
                  pause: { duration: 60s }
                - traffic: 60
                  replicas: 6
          analysis:
            interval: 10s
            failureLimit: 1
            inconclusiveLimit: 2
            minRequests: 50
            stepPasses: 3
            checks:
              - name: success
                metric: successRate
                min: 0.99
              - metric: latencyP99
                max: 500
        status:
          phase: Healthy
        """;

    [Fact]
    public void Parse_FullSpec_ReadsEveryField()
    {
        var result = RolloutYaml.Parse(Full);

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        var doc = result.Document!;
        Assert.Equal("shop", doc.Metadata.Name);
        Assert.Equal("prod", doc.Metadata.Namespace);
        Assert.Equal("web", doc.Metadata.Labels["team"]);
        var spec = doc.Spec;
        Assert.Equal(10, spec.Replicas);
        Assert.Equal(TimeSpan.FromMinutes(5), spec.ProgressDeadline);
        Assert.Equal(TimeSpan.FromSeconds(90), spec.ScaleDownDelay);
        Assert.Equal("127.0.0.1:0", spec.Service!.Listen);
        Assert.Equal(["shop.local", "www.shop.local"], spec.Service.Hosts);
        Assert.Equal("/api", spec.Service.PathPrefix);
        Assert.True(spec.Service.Sticky);
        Assert.Equal("x-version", spec.Service.VersionHeader);
        Assert.Equal(ServiceProtocol.Grpc, spec.Service.Protocol);
        Assert.Equal(new ServiceTlsSpec { CertificateFile = "/etc/shop/tls.crt", KeyFile = "/etc/shop/tls.key" }, spec.Service.Tls);
        Assert.Equal(["UNAVAILABLE", "13"], spec.Service.GrpcFailureCodes!);
        Assert.Equal("v2", spec.Template!.Version);
        Assert.Equal("./shop --port {port}", spec.Template.Command);
        Assert.Equal("canary", spec.Template.Env["MODE"]);
        Assert.Equal("/srv/shop", spec.Template.WorkingDirectory);
        Assert.Equal(new ReadinessSpec { Path = "/ready", Period = TimeSpan.FromMilliseconds(500), Timeout = TimeSpan.FromSeconds(2) }, spec.Template.Readiness);

        Assert.Equal(StrategyKind.Canary, spec.Strategy.Kind);
        var steps = spec.Strategy.Steps;
        Assert.Equal(4, steps.Count);
        Assert.Null(steps[0].Traffic);
        Assert.Equal(
            [
                new MatchSpec { Kind = MatchKind.Cookie, Name = "user", Operator = MatchOperator.Regex, Value = "^(.*?;)?(user=test-user)(;.*)?$" },
                new MatchSpec { Kind = MatchKind.Header, Name = "x-canary", Operator = MatchOperator.Exact, Value = "always" },
            ],
            steps[0].Matches);
        Assert.NotNull(steps[0].Pause);
        Assert.Null(steps[0].Pause!.Duration);
        Assert.Equal(10, steps[1].Traffic);
        Assert.Equal(new ReplicaCount(20, true), steps[1].Replicas);
        Assert.Null(steps[1].Pause);
        Assert.Equal(30, steps[2].Traffic);
        Assert.Equal(TimeSpan.FromSeconds(60), steps[2].Pause!.Duration);
        Assert.Equal(new ReplicaCount(6, false), steps[3].Replicas);

        var a = spec.Analysis!;
        Assert.Equal(TimeSpan.FromSeconds(10), a.Interval);
        Assert.Equal((1, 2, 50, 3), (a.FailureLimit, a.InconclusiveLimit, a.MinRequests, a.StepPasses));
        Assert.Equal(new CheckSpec { Name = "success", Metric = MetricKind.SuccessRate, Min = 0.99 }, a.Checks[0]);
        Assert.Equal(new CheckSpec { Name = "latencyP99", Metric = MetricKind.LatencyP99, Max = 500 }, a.Checks[1]);
    }

    [Fact]
    public void Parse_MinimalSpec_UsesDefaults()
    {
        var result = RolloutYaml.Parse("""
            apiVersion: canaria.dev/v1alpha1
            kind: Rollout
            metadata: { name: a }
            spec:
              strategy:
                blueGreen: {}
            """);

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        var spec = result.Document!.Spec;
        Assert.Equal(1, spec.Replicas);
        Assert.Equal(StrategyKind.BlueGreen, spec.Strategy.Kind);
        Assert.Empty(spec.Strategy.Steps);
        Assert.Equal(TimeSpan.FromMinutes(10), spec.ProgressDeadline);
        Assert.Equal(TimeSpan.FromSeconds(30), spec.ScaleDownDelay);
        Assert.Null(spec.Analysis);
    }

    [Fact]
    public void Parse_Json_IsAcceptedAsYaml()
    {
        var result = RolloutYaml.Parse("""{"apiVersion":"canaria.dev/v1alpha1","kind":"Rollout","metadata":{"name":"a"},"spec":{"workloadRef":{"apiVersion":"apps/v1","name":"web"},"strategy":{"canary":{"steps":[{"traffic":50}]}}}}""");

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Equal("web", result.Document!.Spec.WorkloadRef!.Name);
        Assert.Equal("Deployment", result.Document.Spec.WorkloadRef.Kind);
        Assert.Equal(50, result.Document.Spec.Strategy.Steps[0].Traffic);
    }

    private static string WithSteps(string steps) => $"""
        apiVersion: canaria.dev/v1alpha1
        kind: Rollout
        metadata:
          name: a
        spec:
          strategy:
            canary:
              steps:
        {steps}
        """;

    [Theory]
    [InlineData("10", 10)]
    [InlineData("\"10%\"", 10)]
    [InlineData("'0%'", 0)]
    [InlineData("100", 100)]
    [InlineData("\"55\"", 55)]
    public void Parse_TrafficPercentForms_ReadsThePercent(string written, int percent)
    {
        var result = RolloutYaml.Parse(WithSteps($"        - traffic: {written}"));

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Equal(percent, result.Document!.Spec.Strategy.Steps[0].Traffic);
    }

    [Theory]
    [InlineData("3", 3, false)]
    [InlineData("\"25%\"", 25, true)]
    [InlineData("0", 0, false)]
    public void Parse_ReplicaForms_ReadsCountOrPercent(string written, int value, bool isPercent)
    {
        var result = RolloutYaml.Parse(WithSteps($"        - replicas: {written}"));

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Equal(new ReplicaCount(value, isPercent), result.Document!.Spec.Strategy.Steps[0].Replicas);
    }

    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("500ms", 500)]
    [InlineData("5m", 300_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("90", 90_000)]
    [InlineData("1.5s", 1_500)]
    public void Parse_PauseDurationForms_ReadsTheDuration(string written, int milliseconds)
    {
        var result = RolloutYaml.Parse(WithSteps($"        - pause: {{ duration: {written} }}"));

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), result.Document!.Spec.Strategy.Steps[0].Pause!.Duration);
    }

    [Theory]
    [InlineData("        - trafic: 10", "spec.strategy.canary.steps[0].trafic", 9, "is not a known field")]
    [InlineData("        - traffic: 10\n          pause: { duraton: 5s }", "spec.strategy.canary.steps[0].pause.duraton", 10, "is not a known field")]
    [InlineData("        - traffic: ten", "spec.strategy.canary.steps[0].traffic", 9, "'ten' is not a percentage")]
    [InlineData("        - replicas: lots", "spec.strategy.canary.steps[0].replicas", 9, "'lots' is not a replica count")]
    [InlineData("        - traffic: 10\n        - pause: { duration: soon }", "spec.strategy.canary.steps[1].pause.duration", 10, "'soon' is not a duration")]
    [InlineData("        - traffic: [10]", "spec.strategy.canary.steps[0].traffic", 9, "must be a single value")]
    [InlineData("        - pause: 5s", "spec.strategy.canary.steps[0].pause", 9, "must be a mapping")]
    [InlineData("        - matches:\n            - cookie: { name: user, regex: a, exact: b }", "spec.strategy.canary.steps[0].matches[0].cookie", 10, "exactly one of exact, prefix or regex")]
    [InlineData("        - matches:\n            - header: { name: a, exact: b }\n              cookie: { name: c, exact: d }", "spec.strategy.canary.steps[0].matches[0]", 11, "exactly one of header, cookie or query")]
    [InlineData("        - matches:\n            - query: { exact: b }", "spec.strategy.canary.steps[0].matches[0].query.name", null, "is required")]
    [InlineData("        - matches:\n            - header: { name: a, exact: b, flags: i }", "spec.strategy.canary.steps[0].matches[0].header.flags", 10, "is not a known field")]
    public void Parse_BadStep_ReportsFieldPathAndLine(string steps, string field, int? line, string message)
    {
        var result = RolloutYaml.Parse(WithSteps(steps));

        Assert.False(result.Ok);
        var error = Assert.Single(result.Errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
        if (line is { } l) Assert.EndsWith($"(line {l})", error.Message);
    }

    [Theory]
    [InlineData("replicas: many", "spec.replicas", "'many' is not a whole number")]
    [InlineData("replicas: 2.5", "spec.replicas", "is not a whole number")]
    [InlineData("progressDeadline: 10 minutes", "spec.progressDeadline", "is not a duration")]
    [InlineData("scaleDownDelay: -5s", "spec.scaleDownDelay", "is not a duration")]
    [InlineData("service: { name: a, sticky: maybe }", "spec.service.sticky", "'maybe' is not true or false")]
    [InlineData("service: { name: a, hosts: a.local }", "spec.service.hosts", "must be a list of strings")]
    [InlineData("template: { version: v1, env: [A] }", "spec.template.env", "must be a mapping of names to strings")]
    [InlineData("analysis: { checks: [ { metric: successRate, min: high } ] }", "spec.analysis.checks[0].min", "'high' is not a number")]
    [InlineData("analysis: { checks: [ { metric: happiness, min: 1 } ] }", "spec.analysis.checks[0].metric", "'happiness' is not a known metric")]
    [InlineData("analysis: { checks: [ { min: 1 } ] }", "spec.analysis.checks[0].metric", "is required")]
    [InlineData("analysis: { checks: { metric: successRate } }", "spec.analysis.checks", "must be a list")]
    [InlineData("analysis: { interval: often, checks: [ { metric: successRate, min: 1 } ] }", "spec.analysis.interval", "is not a duration")]
    [InlineData("colour: blue", "spec.colour", "is not a known field")]
    [InlineData("workloadRef: { name: web, namespace: x }", "spec.workloadRef.namespace", "is not a known field")]
    public void Parse_BadSpecField_ReportsFieldPath(string specLine, string field, string message)
    {
        var yaml = $"""
            apiVersion: canaria.dev/v1alpha1
            kind: Rollout
            metadata: {"{"} name: a {"}"}
            spec:
              strategy: {"{"} canary: {"{"} steps: [ {"{"} traffic: 10 {"}"} ] {"}"} {"}"}
              {specLine}
            """;

        var result = RolloutYaml.Parse(yaml);

        Assert.False(result.Ok);
        var error = Assert.Single(result.Errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsAllAtOnceWithLines()
    {
        var result = RolloutYaml.Parse("""
            apiVersion: canaria.dev/v1alpha1
            kind: Rollout
            metadata:
              nme: a
            spec:
              replicas: x
              strategy:
                canary:
                  steps:
                    - traffic: 10
                      wait: 5s
                    - traffic: lots
              extra: 1
            """);

        Assert.Null(result.Errors.FirstOrDefault(e => e.Field == "(document)"));
        string[] expected =
        [
            "metadata.name", "metadata.nme", "spec.extra", "spec.replicas",
            "spec.strategy.canary.steps[0].wait", "spec.strategy.canary.steps[1].traffic",
        ];
        Assert.Equal(expected, result.Errors.Select(e => e.Field).Order(StringComparer.Ordinal));
        Assert.Contains("(line 4)", result.Errors.Single(e => e.Field == "metadata.nme").Message);
        Assert.Contains("(line 11)", result.Errors.Single(e => e.Field == "spec.strategy.canary.steps[0].wait").Message);
        Assert.Contains("(line 13)", result.Errors.Single(e => e.Field == "spec.extra").Message);
        Assert.False(result.Ok);
    }

    [Fact]
    public void Parse_BothStrategies_ReportsBlueGreen()
    {
        var result = RolloutYaml.Parse("""
            apiVersion: canaria.dev/v1alpha1
            kind: Rollout
            metadata: { name: a }
            spec:
              strategy:
                canary: { steps: [ { traffic: 10 } ] }
                blueGreen: {}
            """);

        Assert.Contains(result.Errors, e => e.Field == "spec.strategy.blueGreen" && e.Message.Contains("cannot be set together with canary"));
    }

    [Fact]
    public void Parse_MissingStrategy_ReportsRequired()
    {
        var result = RolloutYaml.Parse("""
            apiVersion: canaria.dev/v1alpha1
            kind: Rollout
            metadata: { name: a }
            spec: { replicas: 2 }
            """);

        Assert.Contains(result.Errors, e => e.Field == "spec.strategy" && e.Message.StartsWith("is required", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("apiVersion: [unclosed", "is not valid YAML")]
    [InlineData("a: b\n c: d: e", "is not valid YAML")]
    [InlineData("", "found 0 documents")]
    [InlineData("~", "is empty")]
    [InlineData("--- \na: 1\n---\nb: 2", "exactly one Rollout, found 2 documents")]
    [InlineData("- just\n- a list", "must be a mapping")]
    public void Parse_NotARolloutDocument_ReportsDocumentError(string text, string message)
    {
        var result = RolloutYaml.Parse(text);

        Assert.False(result.Ok);
        Assert.Null(result.Document);
        Assert.Contains(result.Errors, e => e.Message.Contains(message));
    }

    [Fact]
    public void Parse_InvalidYaml_NamesTheLine()
    {
        var result = RolloutYaml.Parse("apiVersion: canaria.dev/v1alpha1\nkind: Rollout\nmetadata:\n  name: \"unterminated\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal("(document)", error.Field);
        Assert.Matches(@"\(line \d+\)$", error.Message);
    }
}
