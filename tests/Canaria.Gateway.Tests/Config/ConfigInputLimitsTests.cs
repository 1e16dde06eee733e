using System.Diagnostics;
using Canaria.Gateway.Config;
using Canaria.Gateway.Routing;

namespace Canaria.Gateway.Tests.Config;

/// <summary>Gateway configs built to crash or hang the loader or a request: each is a field error, never an exception.</summary>
public sealed class ConfigInputLimitsTests
{
    private static ConfigError SingleError(string text)
    {
        var clock = Stopwatch.StartNew();
        var result = GatewayConfigLoader.Parse(text);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.False(result.Succeeded, "the config was accepted");
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_200KBOfNestedBrackets_RefusedWithDepthMessage()
    {
        var error = SingleError(new string('[', 200 * 1024) + new string(']', 200 * 1024));

        Assert.Equal("$", error.Field);
        Assert.Contains("deeper than 64 levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_200KBOfNestedJsonArrays_RefusedQuickly()
    {
        var error = SingleError("{\"listeners\": " + new string('[', 200 * 1024) + new string(']', 200 * 1024) + "}");

        Assert.StartsWith("listeners", error.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BillionLaughsAliases_RefusedBeforeExpansion()
    {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + string.Concat(Enumerable.Range(1, 9).Select(i =>
            $"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n"));

        Assert.Contains("more than 100000 values", SingleError(yaml).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ListAsKey_FieldErrorNotException()
    {
        Assert.StartsWith("line ", SingleError("? [a, b]\n: c\n").Field, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OpenBraceLineInsideBlockMapping_SyntaxErrorNotException()
    {
        var error = SingleError("listeners: []\n{\nservices: []\n");

        Assert.Contains("is not valid YAML", error.Message, StringComparison.Ordinal);
    }

    private const string Config = """
        listeners: [{name: main, address: "127.0.0.1:0"}]
        services:
          - name: shop
            listener: main
            health: {ejectFor: 30s}
            rules:
              - name: test-user
                version: v2
                cookies: [{name: user, regex: "^test-.*$"}]
            versions:
              - {name: v1, weight: 90, endpoints: ["127.0.0.1:9"]}
              - {name: v2, weight: 10, endpoints: ["127.0.0.1:9"]}
        """;

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[")]
    [InlineData("? ")]
    [InlineData("*a ")]
    public void Parse_EveryPrefixOrInsertedIndicator_ResultNeverException(string indicator)
    {
        for (var n = 0; n <= Config.Length; n++)
        {
            var text = indicator.Length == 0 ? Config[..n] : Config.Insert(n, indicator);
            var result = GatewayConfigLoader.Parse(text);
            Assert.True(result.Succeeded || result.Errors.Count > 0, $"'{indicator}' at {n}");
        }
    }

    [Theory]
    [InlineData("services: [{name: s, health: {ejectFor: 1000000000000h}}]", "services[0].health.ejectFor")]
    [InlineData("services: [{name: s, health: {ejectFor: 99999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999ms}}]", "services[0].health.ejectFor")]
    [InlineData("services: [{name: s, health: {ejectFor: \"10675199.02:48:05\"}}]", "services[0].health.ejectFor")]
    [InlineData("{\"services\": [{\"name\": \"s\", \"health\": {\"ejectFor\": 1e300}}]}", "services[0].health.ejectFor")]
    [InlineData("{\"services\": [{\"name\": \"s\", \"health\": {\"ejectFor\": -5}}]}", "services[0].health.ejectFor")]
    public void Parse_DurationBeyondBound_RefusedWithField(string text, string field)
    {
        var error = SingleError(text);

        Assert.Equal(field, error.Field);
        Assert.Contains("8760h", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(a)\\1")]
    [InlineData("(?=a)a")]
    [InlineData("(?<!x)a")]
    [InlineData("(?>a+)b")]
    public void TryCompileRegex_ConstructNeedingBacktracking_Refused(string pattern)
    {
        Assert.False(StringMatcher.TryCompileRegex(pattern, out _, out var error));
        Assert.Contains("needs backtracking", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCompileRegex_PatternClosingTheAnchorGroup_Refused()
    {
        Assert.False(StringMatcher.TryCompileRegex("a)|(b", out _, out _));
    }

    [Fact]
    public void Matches_CatastrophicBacktrackingPattern_LinearTimeAndCorrect()
    {
        // (a+)+$ against "aaaa...a!" takes exponential time with a backtracking engine: 2^40 steps here.
        var matcher = StringMatcher.Compile(new StringMatchConfig { Name = "x-user", Regex = "(a+)+" });
        var evil = new string('a', 40) + "!";

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 1000; i++) Assert.False(matcher.Matches(evil));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"1000 matches took {clock.Elapsed}");
        Assert.True(matcher.Matches(new string('a', 40)));
    }
}
