using Canaria.Core.Model;
using Canaria.Core.Serialization;
using Canaria.Core.Validation;

namespace Canaria.Core.Tests.Validation;

public class InheritEnvValidatorTests
{
    private static string Spec(string inheritEnv) => $$"""
        apiVersion: canaria.dev/v1alpha1
        kind: Rollout
        metadata: { name: a }
        spec:
          service: { name: a, listen: "127.0.0.1:0" }
          template:
            version: v1
            command: "app --port {port}"
            inheritEnv: {{inheritEnv}}
          strategy:
            canary: { steps: [{ traffic: 50 }] }
        """;

    private static List<FieldError> Errors(string inheritEnv)
    {
        var parsed = RolloutYaml.Parse(Spec(inheritEnv));
        Assert.NotNull(parsed.Document);
        return [.. parsed.Errors, .. RolloutValidator.Validate(parsed.Document!, Platform.Local)];
    }

    [Fact]
    public void Parse_InheritEnvList_IsReadAndValid()
    {
        var parsed = RolloutYaml.Parse(Spec("[HTTP_PROXY, _X1]"));

        Assert.True(parsed.Ok, string.Join("\n", parsed.Errors));
        Assert.Equal(["HTTP_PROXY", "_X1"], parsed.Document!.Spec.Template!.InheritEnv);
        Assert.Empty(RolloutValidator.Validate(parsed.Document, Platform.Local));
    }

    [Fact]
    public void Parse_NoInheritEnv_IsNullSoStoredTemplatesKeepTheirHash()
    {
        var parsed = RolloutYaml.Parse(Spec("[]").Replace("    inheritEnv: []\n", "", StringComparison.Ordinal));

        Assert.True(parsed.Ok, string.Join("\n", parsed.Errors));
        Assert.Null(parsed.Document!.Spec.Template!.InheritEnv);
        Assert.DoesNotContain("inheritEnv", System.Text.Json.JsonSerializer.Serialize(parsed.Document.Spec.Template, CoreJson.Options), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[\"\"]", "spec.template.inheritEnv[0]", "is not an environment variable name")]
    [InlineData("[A=B]", "spec.template.inheritEnv[0]", "is not an environment variable name")]
    [InlineData("[\"SECRET_*\"]", "spec.template.inheritEnv[0]", "is not an environment variable name")]
    [InlineData("[1ABC]", "spec.template.inheritEnv[0]", "is not an environment variable name")]
    [InlineData("[TOKEN, TOKEN]", "spec.template.inheritEnv[1]", "is listed twice")]
    [InlineData("TOKEN", "spec.template.inheritEnv", "must be a list of strings")]
    public void Validate_BadInheritEnv_IsRefusedWithItsField(string inheritEnv, string field, string message)
    {
        var errors = Errors(inheritEnv);

        Assert.Contains(errors, e => e.Field == field && e.Message.Contains(message, StringComparison.Ordinal));
    }
}
