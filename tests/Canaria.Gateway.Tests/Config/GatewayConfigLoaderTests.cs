using Canaria.Gateway.Config;

namespace Canaria.Gateway.Tests.Config;

public sealed class GatewayConfigLoaderTests
{
    private const string Yaml = """
        listeners:
          - name: public
            address: 127.0.0.1:8080
        versionHeader: x-served-by
        services:
          - name: reviews
            listener: public
            hosts: [reviews.local, "*.reviews.local"]
            pathPrefix: /api
            versions:
              - name: v1
                weight: 250
                endpoints: ["127.0.0.1:5001", "127.0.0.1:5002"]
              - name: v2
                weight: 750
                endpoints: ["127.0.0.1:6001"]
                balancing: leastRequests
            rules:
              - name: test-user
                version: v2
                headers:
                  - name: cookie
                    regex: "^(.*?;)?(user=test-user)(;.*)?$"
            sticky: { enabled: true, cookieName: canary }
            mirror: { version: v2, percent: 12.5 }
            timeouts: { connect: 250ms, request: 1m30s }
            health:
              consecutiveFailures: 5
              ejectFor: 30s
              activeProbe: { path: /healthz, interval: 2s }
        """;

    [Fact]
    public void Parse_FullYaml_ReadsEveryField()
    {
        var result = GatewayConfigLoader.Parse(Yaml);

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        var config = result.Config!;
        Assert.Equal("x-served-by", config.VersionHeader);
        var service = Assert.Single(config.Services);
        Assert.Equal(["reviews.local", "*.reviews.local"], service.Hosts);
        Assert.Equal(750, service.Versions[1].Weight);
        Assert.Equal(BalancingPolicy.LeastRequests, service.Versions[1].Balancing);
        Assert.Equal("^(.*?;)?(user=test-user)(;.*)?$", service.Rules[0].Headers[0].Regex);
        Assert.Equal(12.5, service.Mirror!.Percent);
        Assert.Equal(TimeSpan.FromMilliseconds(250), service.Timeouts.Connect);
        Assert.Equal(TimeSpan.FromSeconds(90), service.Timeouts.Request);
        Assert.Equal(TimeSpan.FromSeconds(2), service.Health.ActiveProbe!.Interval);
        Assert.Empty(GatewayConfigValidator.Validate(config));
    }

    [Fact]
    public void Parse_JsonRoundTrip_GivesAnEqualConfig()
    {
        var config = GatewayConfigLoader.Parse(Yaml).Config!;
        var json = GatewayConfigJson.Serialize(config, indented: true);

        var again = GatewayConfigLoader.Parse(json);

        Assert.True(again.Succeeded, string.Join("; ", again.Errors));
        Assert.Equal(json, GatewayConfigJson.Serialize(again.Config!, indented: true));
    }

    [Fact]
    public void Parse_UnknownField_NamesFieldAndLine()
    {
        var result = GatewayConfigLoader.Parse(Yaml.Replace("weight: 750", "wieght: 750", StringComparison.Ordinal));

        var error = Assert.Single(result.Errors);
        Assert.Contains("services[0].versions[1]", error.Field, StringComparison.Ordinal);
        Assert.Contains("wieght", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 15", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BadDuration_NamesField()
    {
        var result = GatewayConfigLoader.Parse(Yaml.Replace("ejectFor: 30s", "ejectFor: soon", StringComparison.Ordinal));

        var error = Assert.Single(result.Errors);
        Assert.Equal("services[0].health.ejectFor", error.Field);
    }

    [Fact]
    public void Parse_BrokenYaml_NamesLine()
    {
        var result = GatewayConfigLoader.Parse("services:\n  - name: a\n   bad: [\n");

        Assert.False(result.Succeeded);
        Assert.StartsWith("line ", Assert.Single(result.Errors).Field, StringComparison.Ordinal);
    }
}
