using Canaria.Core.Serialization;
using Canaria.Core.Validation;

namespace Canaria.Core.Tests.Validation;

/// <summary>The sample Rollouts users copy from stay valid: local ones for this machine, samples/rollouts/kubernetes for a cluster.</summary>
public class SampleRolloutTests
{
    public static TheoryData<string> Samples()
    {
        var root = Path.Combine(Root(), "samples", "rollouts");
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(root, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(root, file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Validate_Sample_NoErrors(string sample)
    {
        var platform = sample.StartsWith("kubernetes", StringComparison.Ordinal) ? Platform.Kubernetes : Platform.Local;
        var parsed = RolloutYaml.Parse(File.ReadAllText(Path.Combine(Root(), "samples", "rollouts", sample)));

        var errors = parsed.Errors.Concat(parsed.Document is { } d ? RolloutValidator.Validate(d, platform) : []).ToList();

        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Field}: {e.Message}")));
    }

    private static string Root()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Canaria.slnx"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        return dir;
    }
}
