using Canaria.Core.Model;
using Canaria.Core.Validation;

namespace Canaria.Core.Tests.Validation;

public class AnalysisValidatorTests
{
    private static List<(string Field, string Message)> Errors(CheckSpec check, params WebhookSpec[] hooks)
    {
        var doc = new RolloutDocument
        {
            Metadata = new ObjectMeta { Name = "shop" },
            Spec = new RolloutSpec
            {
                Service = new ServiceSpec { Name = "shop", Listen = "127.0.0.1:0" },
                Template = new VersionTemplate { Version = "v1", Upstreams = ["http://127.0.0.1:1"] },
                Strategy = new StrategySpec { Steps = [new StepSpec { Traffic = 10 }, new StepSpec { Traffic = 50 }] },
                Analysis = new AnalysisSpec { Checks = [check] },
                Webhooks = hooks,
            },
        };
        return RolloutValidator.Validate(doc, Platform.Local).Select(e => (e.Field, e.Message)).ToList();
    }

    private static readonly CheckSpec Prom = new() { Name = "p", Provider = MetricProvider.Prometheus, Address = "http://127.0.0.1:9090", Query = "up", Max = 1 };

    private static readonly (CheckSpec Check, string Field, string Message)[] BadChecks =
    [
        (Prom with { Query = null }, "spec.analysis.checks[0].query", "is required for provider prometheus"),
        (Prom with { Address = "127.0.0.1:9090" }, "spec.analysis.checks[0].address", "is not an absolute http(s) URL"),
        (Prom with { Auth = new AuthSpec { Username = "u" } }, "spec.analysis.checks[0].auth", "needs exactly one of secretEnv or secretFile"),
        (Prom with { Compare = new CompareSpec() }, "spec.analysis.checks[0].compare", "use provider gateway"),
        (new CheckSpec { Name = "w", Provider = MetricProvider.Web, Url = "http://a/{{version}}", JsonPath = "data.value", Min = 1 }, "spec.analysis.checks[0].jsonPath", "must start with $"),
        (new CheckSpec { Name = "s", Compare = new CompareSpec { Alpha = 0.7 } }, "spec.analysis.checks[0].alpha", "must be between 0 and 0.5"),
        (new CheckSpec { Name = "s", Compare = new CompareSpec { MinEffect = 0 } }, "spec.analysis.checks[0].minEffect", "must be between 0 and 0.5"),
        (new CheckSpec { Name = "s", Compare = new CompareSpec { Method = CompareMethod.Percentile, Quantile = 99 } }, "spec.analysis.checks[0].percentile", "0.99 for p99"),
        (new CheckSpec { Name = "c", Min = 0.9, Steps = [2] }, "spec.analysis.checks[0].steps", "2 is not the index of a written step (0 to 1)"),
        (new CheckSpec { Name = "c", Min = 0.9, Count = 0 }, "spec.analysis.checks[0].count", "must be at least 1"),
        (new CheckSpec { Name = "c", Min = 0.9, Interval = TimeSpan.FromMilliseconds(10) }, "spec.analysis.checks[0].interval", "at least 100ms"),
        (new CheckSpec { Name = "c", Min = 0.9, Url = "http://a" }, "spec.analysis.checks[0].url", "does not apply to provider gateway"),
        (Prom with { Window = TimeSpan.FromMilliseconds(500) }, "spec.analysis.checks[0].window", "must be at least 1s"),
        (new CheckSpec { Name = "c", Min = 0.9, Window = TimeSpan.FromMinutes(1) }, "spec.analysis.checks[0].window", "does not apply to provider gateway"),
        (Prom with { Address = "http://admin:s3cret@127.0.0.1:9090" }, "spec.analysis.checks[0].address", "use auth"),
        (new CheckSpec { Name = "w", Provider = MetricProvider.Web, Url = "https://u:p@m.example/q?v={{version}}", JsonPath = "$.v", Min = 1 }, "spec.analysis.checks[0].url", "use auth"),
    ];

    public static TheoryData<int> BadCheckCases => new(Enumerable.Range(0, BadChecks.Length));

    [Theory]
    [MemberData(nameof(BadCheckCases))]
    public void Validate_BadCheck_ReportsFieldPath(int index)
    {
        var (check, field, message) = BadChecks[index];

        var errors = Errors(check);

        Assert.Contains(errors, e => e.Field == field && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ComparisonWithoutThresholds_IsFine()
    {
        Assert.Empty(Errors(new CheckSpec { Name = "errors", Compare = new CompareSpec() }));
    }

    [Theory]
    [InlineData("ftp://x", 2, 5000, "spec.webhooks[0].url")]
    [InlineData("http://x", 11, 5000, "spec.webhooks[0].retries")]
    [InlineData("http://x", 1, 1, "spec.webhooks[0].timeout")]
    [InlineData("http://ops:pw@x/gate", 1, 5000, "spec.webhooks[0].url")]
    public void Validate_BadWebhook_ReportsFieldPath(string url, int retries, int timeoutMs, string field)
    {
        var hook = new WebhookSpec { Name = "g", Type = WebhookType.PreRollout, Url = url, Retries = retries, Timeout = TimeSpan.FromMilliseconds(timeoutMs) };

        var errors = Errors(new CheckSpec { Name = "errors", Compare = new CompareSpec() }, hook);

        Assert.Equal(field, Assert.Single(errors).Field);
    }

    [Fact]
    public void Validate_UrlWithPassword_RefusedWithoutEchoingThePassword()
    {
        var errors = Errors(Prom with { Address = "http://admin:s3cret@127.0.0.1:9090" });

        var error = Assert.Single(errors);
        Assert.Equal("'http://127.0.0.1:9090' carries credentials (user:password@) that anyone who can read the Rollout sees: use auth (username: with secretEnv or secretFile) instead", error.Message);
    }
}
