using System.Globalization;
using System.Text.RegularExpressions;

namespace Canaria.EndToEnd.Tests.Samples;

/// <summary>The canary sample followed as written (see <see cref="CanarySampleWalkthrough"/>), and what `canaria load` and the read commands print through a pipe.</summary>
public sealed class CanarySampleTests(CanarySampleWalkthrough walk) : IClassFixture<CanarySampleWalkthrough>
{
    [Fact]
    public void CanarySample_FollowedAsWritten_V2BecomesStable()
    {
        Assert.True(walk.Failure is null, walk.Failure);

        var status = walk.Final!["status"]!;
        Assert.Equal("healthy", (string?)status["phase"]);
        Assert.Equal(2, (int?)status["stableRevision"]);
        Assert.Equal(["v2"], walk.Final["versions"]!.AsArray().Where(v => (int?)v!["weight"] > 0).Select(v => (string?)v!["version"]));
    }

    [Fact]
    public void Load_CtrlCAfterRelease_SummarizesBothVersionsWithoutFailures()
    {
        Assert.True(walk.Failure is null, walk.Failure);

        Assert.True(walk.MainLoadExit == 0, walk.MainLoadOutput);
        var v1 = Row(walk.MainLoadOutput, "v1");
        var v2 = Row(walk.MainLoadOutput, "v2");
        Assert.True(v1.Requests > 100 && v2.Requests > 100, walk.MainLoadOutput); // both versions served this client's traffic
        Assert.True(v1.Failures == 0 && v2.Failures == 0, walk.MainLoadOutput);
        Assert.DoesNotContain("(no version)", walk.MainLoadOutput, StringComparison.Ordinal); // no request went unanswered by a version
        Assert.Matches(@"(?m)^\s*v2\s+[\d,]+\s+0\s+100\.00%\s+\d+\.\dms\s+\d+\.\dms\s*$", walk.MainLoadOutput);
    }

    [Fact]
    public void Load_TestUserCookieAtStepOne_AnsweredOnlyByCanary()
    {
        Assert.True(walk.Failure is null, walk.Failure);

        var v2 = Row(walk.TestUserLoadOutput, "v2");
        Assert.True(v2.Requests >= 150, walk.TestUserLoadOutput); // 10/s for 20 s
        Assert.Equal(0, v2.Failures);
        Assert.DoesNotMatch(@"(?m)^\s*v1\s", walk.TestUserLoadOutput);
    }

    [Fact]
    public async Task PipedOutput_ReadCommandsAndLoad_NoEscapeSequenceNoLineOver100Columns()
    {
        Assert.True(walk.Failure is null, walk.Failure);
        var outputs = new List<(string Command, string Output)> { ("load web", walk.MainLoadOutput) };
        foreach (var args in new[] { ["get"], ["get", "web"], ["status", "web"], ["history", "web"], ["stat", "web"], ["--help"], ["history", "--help"], new[] { "load", "--help" } })
        {
            var run = await CliProcess.RunAsync(CanarySampleWalkthrough.Plain, [.. args, "--state-dir", walk.StateDir]);
            Assert.True(run.ExitCode == 0, $"{string.Join(' ', args)}: {run.Output}");
            outputs.Add((string.Join(' ', args), run.Output));
        }

        foreach (var (command, output) in outputs)
        {
            Assert.False(output.Contains('\x1b', StringComparison.Ordinal), $"`canaria {command}` wrote an escape sequence into a pipe:\n{output}");
            var longest = output.Split('\n').Select(l => l.TrimEnd('\r')).MaxBy(l => l.Length)!;
            Assert.True(longest.Length <= 100, $"`canaria {command}` wrote a line of {longest.Length} columns into a pipe: {longest}");
        }
        Assert.Contains("get [<name>]", outputs.Single(o => o.Command == "--help").Output, StringComparison.Ordinal);
        Assert.Contains("oldest first", outputs.Single(o => o.Command == "history --help").Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_AfterRelease_OldestFirstAsItsHelpSays()
    {
        Assert.True(walk.Failure is null, walk.Failure);

        var text = await CliProcess.RunAsync(CanarySampleWalkthrough.Plain, "history", "web", "--state-dir", walk.StateDir);
        var json = await CliProcess.RunAsync(CanarySampleWalkthrough.Plain, "history", "web", "-o", "json", "--state-dir", walk.StateDir);

        var shown = Regex.Matches(text.Output, @"(?m)^\s*(\d\d:\d\d:\d\d\.\d\d\d)\s").Select(m => m.Groups[1].Value).ToList();
        var events = System.Text.Json.Nodes.JsonNode.Parse(json.Output)!.AsArray().Select(e => e!["timestamp"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.True(events.Count >= 5, json.Output);
        Assert.Equal(events.Order(), events); // the API's order: oldest first
        Assert.Equal(events.Select(t => t.ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)), shown); // the table's rows in that order
    }

    private static (long Requests, long Failures) Row(string output, string version)
    {
        var match = Regex.Match(output, $@"(?m)^\s*{Regex.Escape(version)}\s+([\d,]+)\s+([\d,]+)\s+[\d.]+%");
        Assert.True(match.Success, $"no summary row for {version} in:\n{output}");
        return (long.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture),
            long.Parse(match.Groups[2].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
    }
}
