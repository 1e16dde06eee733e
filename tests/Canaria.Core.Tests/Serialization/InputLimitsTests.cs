using System.Diagnostics;
using System.Text;
using Canaria.Core.Serialization;
using Canaria.Core.Tests.Validation;

namespace Canaria.Core.Tests.Serialization;

/// <summary>Documents built to crash or hang a reader: each gets a quick field error, never an exception.</summary>
public class InputLimitsTests
{
    private const string Head = """
        apiVersion: canaria.dev/v1alpha1
        kind: Rollout
        metadata:
          name: shop
        spec:
          replicas: 2
          service: {name: shop, listen: "127.0.0.1:0"}
          template: {version: v1, command: "./shop {port}"}
          strategy: {canary: {steps: [{traffic: 10}]}}

        """;

    private static (string Field, string Message) SingleError(string yaml)
    {
        var clock = Stopwatch.StartNew();
        var errors = RefusedInputTests.Check(yaml);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.True(errors.Count > 0, "the document was accepted");
        return (errors[0].Field, errors[0].Message);
    }

    [Fact]
    public void Parse_200KBOfNestedBrackets_RefusedWithDepthMessage()
    {
        var (field, message) = SingleError(new string('[', 200 * 1024) + new string(']', 200 * 1024));

        Assert.Equal("(document)", field);
        Assert.Contains("deeper than 64 levels (line 1)", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_200KBOfOpenBracketsOnly_RefusedWithDepthMessage()
    {
        var (field, message) = SingleError(Head + "  x: " + new string('[', 200 * 1024));

        Assert.Equal("(document)", field);
        Assert.Contains("deeper than 64", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeepBlockMappings_RefusedWithDepthMessage()
    {
        var sb = new StringBuilder(Head);
        for (var i = 0; i < 100; i++) sb.Append(' ', i * 2 + 2).Append('k').Append(i).Append(":\n");
        var (field, message) = SingleError(sb.ToString());

        Assert.Equal("(document)", field);
        Assert.Contains("deeper than 64", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NestingAtTheLimit_ReadAsUsual()
    {
        // 60 levels under metadata.labels: the reader gets to the field and reports its type, no limit error.
        var yaml = Head.Replace("  name: shop", "  name: shop\n  labels: " + new string('[', 60) + new string(']', 60), StringComparison.Ordinal);

        var (field, _) = SingleError(yaml);

        Assert.Equal("metadata.labels", field);
    }

    [Fact]
    public void Parse_BillionLaughsAliases_RefusedBeforeExpansion()
    {
        var sb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 10; i++)
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");

        var (field, message) = SingleError(sb.ToString());

        Assert.Equal("(document)", field);
        Assert.Contains("more than 100000 values", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AliasInsideItsOwnAnchor_Refused()
    {
        var (field, message) = SingleError(Head + "status: &s {x: [*s]}\n");

        Assert.Equal("(document)", field);
        Assert.Contains("*s does not refer to a complete node", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AnchorsUsedAFewTimes_Accepted()
    {
        var yaml = Head.Replace("[{traffic: 10}]", "[{traffic: 10, matches: [&m {header: {name: x-user, exact: t}}]}, {traffic: 20, matches: [*m]}]", StringComparison.Ordinal);

        Assert.Empty(RefusedInputTests.Check(yaml));
    }

    [Theory]
    [InlineData("  analysis: {interval: 1000000000000h}", "spec.analysis.interval", "longer than the longest duration allowed (8760h)")]
    [InlineData("  progressDeadline: 8761h", "spec.progressDeadline", "longer than the longest duration allowed")]
    [InlineData("  scaleDownDelay: 99999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999ms", "spec.scaleDownDelay", "longer than the longest duration allowed")]
    [InlineData("  scaleDownDelay: 1e400", "spec.scaleDownDelay", "longer than the longest duration allowed")]
    [InlineData("  scaleDownDelay: 40000000000", "spec.scaleDownDelay", "longer than the longest duration allowed")]
    public void Parse_DurationBeyondBound_RefusedWithField(string line, string field, string message)
    {
        var (actualField, actualMessage) = SingleError(Head + line + "\n");

        Assert.Equal(field, actualField);
        Assert.Contains(message, actualMessage, StringComparison.Ordinal);
        Assert.True(actualMessage.Length < 200, actualMessage);
    }

    [Fact]
    public void Parse_DurationOfAYear_Accepted()
    {
        Assert.Empty(RefusedInputTests.Check(Head + "  progressDeadline: 8760h\n"));
    }

    [Theory]
    [InlineData("apiVers")]
    [InlineData("[a, b]")]
    [InlineData("42")]
    public void Parse_DocumentNotAMapping_DocumentFieldError(string yaml)
    {
        var (field, message) = SingleError(yaml);

        Assert.Equal("(document)", field);
        Assert.Contains("must be a mapping", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OpenBraceLineInsideBlockMapping_SyntaxErrorNamingLine()
    {
        // YamlDotNet's scanner throws InvalidOperationException here (once a 500 with an empty body).
        var (field, message) = SingleError(Head + "  {\n  analysis: {interval: 5s}\n");

        Assert.Equal("(document)", field);
        Assert.Contains("is not valid YAML: it cannot be read after line", message, StringComparison.Ordinal);
    }

    private const string Rich = Head + """
          analysis:
            interval: 5s
            checks:
              - {name: errors, compare: stable}
              - {name: p99, metric: latencyP99, max: 250, interval: 10s}
          webhooks:
            - {name: gate, type: preTrafficIncrease, url: "http://127.0.0.1:9/gate", timeout: 1s, metadata: {a: "b"}}
          progressDeadline: 10m
        """;

    [Fact]
    public void Parse_EveryPrefixOfASpec_DocumentOrFieldErrorNeverException()
    {
        for (var n = 0; n <= Rich.Length; n++)
        {
            var errors = RefusedInputTests.Check(Rich[..n]);
            Assert.All(errors, e => Assert.False(string.IsNullOrEmpty(e.Field), $"prefix of {n} chars: {e}"));
        }
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[")]
    [InlineData("}")]
    [InlineData("\"")]
    [InlineData("&a ")]
    [InlineData("*a ")]
    [InlineData("? ")]
    [InlineData("\t")]
    [InlineData("\u0085")]
    public void Parse_IndicatorInsertedAnywhere_DocumentOrFieldErrorNeverException(string indicator)
    {
        for (var n = 0; n <= Rich.Length; n++)
        {
            var errors = RefusedInputTests.Check(Rich.Insert(n, indicator));
            Assert.All(errors, e => Assert.False(string.IsNullOrEmpty(e.Field), $"'{indicator}' at {n}: {e}"));
        }
    }

    [Theory]
    [InlineData("  analysis: {interval: 5s, checks: [{name: a")]
    [InlineData("  service: {name: shop, listen: \"127.0.0.1:0\"\n")]
    [InlineData("  webhooks: [{name: a, url: \"http://x")]
    [InlineData("  a: {b: ")]
    [InlineData("  a: {")]
    [InlineData("  a: [")]
    [InlineData("  a: &x")]
    [InlineData("  a: *nowhere")]
    [InlineData("  a: !!binary zzz")]
    [InlineData("  replicas: 3\n  replicas: 4")]
    [InlineData("  ? [a, b]\n  : c")]
    [InlineData("  {\n  strategy:\n    canary: {}")]
    public void Parse_CutOffOrOddDocument_FieldErrorNotException(string tail)
    {
        var (field, message) = SingleError(Head + tail);

        Assert.False(string.IsNullOrWhiteSpace(field));
        Assert.False(string.IsNullOrWhiteSpace(message));
    }
}
