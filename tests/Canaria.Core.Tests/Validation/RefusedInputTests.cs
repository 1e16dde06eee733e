using Canaria.Core.Serialization;
using Canaria.Core.Validation;

namespace Canaria.Core.Tests.Validation;

/// <summary>Specs that were once accepted although they could not work (issue 10): each is refused with its field path.</summary>
public class RefusedInputTests
{
    private const string Base = """
        apiVersion: canaria.dev/v1alpha1
        kind: Rollout
        metadata:
          name: shop
        spec:
          replicas: 2
          service:
            name: shop
            listen: 127.0.0.1:0
          template:
            version: v1
            command: ./shop --port {port} --version {version}
            env:
              MODE: canary
          strategy:
            canary:
              steps:
                - traffic: 0
                  matches:
                    - header: {name: x-user, exact: test}
                  pause: {}
                - traffic: 10
          webhooks:
            - {name: events, type: event, url: "http://127.0.0.1:9000/events"}
        """;

    /// <summary>Parses and validates as the local controller does; returns every reported field with its message.</summary>
    internal static List<FieldError> Check(string yaml)
    {
        var parsed = RolloutYaml.Parse(yaml);
        var errors = parsed.Errors.ToList();
        if (parsed.Document is { } doc) errors.AddRange(RolloutValidator.Validate(doc, Platform.Local));
        return errors;
    }

    private static FieldError Refused(string yaml, string field)
    {
        var errors = Check(yaml);
        var error = errors.FirstOrDefault(e => e.Field == field);
        Assert.True(error is not null, $"expected an error at {field}, got: {string.Join("; ", errors)}");
        return error!;
    }

    [Fact]
    public void Validate_BaseSpec_Accepted()
    {
        Assert.Empty(Check(Base));
    }

    [Theory]
    [InlineData("header: {name: x-user, exact: test}", "header: {name: \"\", exact: test}", "spec.strategy.canary.steps[0].matches[0].header.name", "must not be empty")]
    [InlineData("header: {name: x-user, exact: test}", "cookie: {name: '', exact: test}", "spec.strategy.canary.steps[0].matches[0].cookie.name", "must not be empty")]
    [InlineData("url: \"http://127.0.0.1:9000/events\"", "url: \"\"", "spec.webhooks[0].url", "is required")]
    [InlineData("    command: ./shop --port {port} --version {version}", "    command: \"{bogus} x\"", "spec.template.command", "{bogus} is not a placeholder")]
    [InlineData("    command: ./shop --port {port} --version {version}", "    command: ./shop {port} {Port} {x.y}", "spec.template.command", "{Port}, {x.y} are not placeholders")]
    [InlineData("      MODE: canary", "      \"\": canary", "spec.template.env[\"\"]", "is not an environment variable name")]
    [InlineData("      MODE: canary", "      A=B: canary", "spec.template.env[\"A=B\"]", "is not an environment variable name")]
    [InlineData("      MODE: canary", "      1ST: canary", "spec.template.env[\"1ST\"]", "is not an environment variable name")]
    [InlineData("      MODE: canary", "      MODE: \"a\\0b\"", "spec.template.env.MODE", "NUL")]
    [InlineData("header: {name: x-user, exact: test}", "header: {name: x-user, regex: \"(a+)\\\\1\"}", "spec.strategy.canary.steps[0].matches[0].header.regex", "needs backtracking")]
    [InlineData("header: {name: x-user, exact: test}", "header: {name: x-user, regex: \"(?=a)a\"}", "spec.strategy.canary.steps[0].matches[0].header.regex", "needs backtracking")]
    [InlineData("header: {name: x-user, exact: test}", "header: {name: x-user, regex: \"(?<!a)b\"}", "spec.strategy.canary.steps[0].matches[0].header.regex", "needs backtracking")]
    [InlineData("header: {name: x-user, exact: test}", "header: {name: x-user, regex: \"([unclosed\"}", "spec.strategy.canary.steps[0].matches[0].header.regex", "is not a valid regular expression")]
    public void Validate_AcceptedInvalidInput_RefusedWithFieldPath(string find, string replace, string field, string message)
    {
        Assert.Contains(find, Base, StringComparison.Ordinal);
        var error = Refused(Base.Replace(find, replace, StringComparison.Ordinal), field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UpstreamWithUserInfo_RefusedWithoutEchoingThePassword()
    {
        var yaml = Base.Replace("    command: ./shop --port {port} --version {version}", "    upstreams: [\"http://u:s3cret@127.0.0.1:1/\"]", StringComparison.Ordinal);

        var errors = Check(yaml);

        var error = Assert.Single(errors);
        Assert.Equal("spec.template.upstreams[0]", error.Field);
        Assert.Contains("credentials", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("^(.*?;)?(user=test-user)(;.*)?$")]
    [InlineData("(a+)+$")]
    [InlineData("[a-z]{2,8}-\\d+")]
    public void Validate_RegexThatNonBacktrackingRuns_Accepted(string regex)
    {
        var yaml = Base.Replace("header: {name: x-user, exact: test}", $"header: {{name: x-user, regex: '{regex}'}}", StringComparison.Ordinal);

        Assert.Empty(Check(yaml));
    }

    [Theory]
    [InlineData("(a{1000}){1000}")]
    [InlineData("((((a{100}){100}){100}){100})")]
    [InlineData(".*a.{500}b")]
    [InlineData("(\\w+\\s?)+$")]
    public void Check_LargeRepetitions_AnsweredQuickly(string pattern)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var problem = UserRegex.Check(pattern);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"{pattern}: {clock.Elapsed} ({problem ?? "accepted"})");
    }

    [Fact]
    public void Validate_RegexLongerThanLimit_Refused()
    {
        var yaml = Base.Replace("header: {name: x-user, exact: test}", $"header: {{name: x-user, regex: '{new string('a', UserRegex.MaxLength + 1)}'}}", StringComparison.Ordinal);

        Assert.Contains("longer than", Refused(yaml, "spec.strategy.canary.steps[0].matches[0].header.regex").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CommandWithEveryKnownPlaceholderAndBraces_Accepted()
    {
        var yaml = Base.Replace("./shop --port {port} --version {version}", "\"{canaria} sample-app --port {port} --version {version} --replica {replica} --instance {instance} --json '{\\\"a\\\": {}}'\"", StringComparison.Ordinal);

        Assert.Empty(Check(yaml));
    }
}
