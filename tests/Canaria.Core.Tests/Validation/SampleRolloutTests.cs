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

    [Theory]
    [MemberData(nameof(Samples))]
    public void Comments_Sample_SayHowToDriveTrafficThroughIt(string sample)
    {
        var comments = string.Join("\n", File.ReadLines(Path.Combine(Root(), "samples", "rollouts", sample)).Where(l => l.TrimStart().StartsWith('#')));

        Assert.Contains("canaria load ", comments, StringComparison.Ordinal); // the analysis needs traffic, and the sample says where it comes from
        Assert.Matches(@"(kubectl )?canaria (-n \S+ )?promote ", comments);
    }

    [Theory]
    [InlineData("README.md")]
    [InlineData("deploy/README.md")]
    [InlineData("samples/rollouts")]
    public void Words_UserFacingText_NoPlanningSeedNumbers(string path)
    {
        var full = Path.Combine(Root(), path);
        var files = Directory.Exists(full) ? Directory.GetFiles(full, "*", SearchOption.AllDirectories) : [full];

        var hits = files.SelectMany(f => File.ReadLines(f).Select((line, i) => (f, line, i)))
            .Where(x => System.Text.RegularExpressions.Regex.IsMatch(x.line, @"\bseeds? ?0\d\d|seed 00\d", System.Text.RegularExpressions.RegexOptions.IgnoreCase))
            .Select(x => $"{Path.GetRelativePath(Root(), x.f)}:{x.i + 1}: {x.line.Trim()}").ToList();

        Assert.True(hits.Count == 0, string.Join("\n", hits));
    }

    private static string Root()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Canaria.slnx"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        return dir;
    }
}
