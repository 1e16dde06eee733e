using System.Diagnostics;

namespace Canaria.EndToEnd.Tests.Samples;

/// <summary>`-f` paths as a newcomer types them: relative to the directory the command was typed in, with `dotnet run` too.</summary>
public sealed class SpecPathTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public async Task DotnetRun_RelativeSampleFromRepositoryRoot_ReadsTheSample()
    {
        var stateDir = Directory.CreateTempSubdirectory("canaria-nostate-").FullName;
        try
        {
            // apply reads the file first, then looks for a controller: exit 3 (none runs there) proves the file was found.
            var (exit, stdout, stderr) = await DotnetRunAsync(CanarySampleWalkthrough.RepositoryRoot(), "apply", "-f", "samples/rollouts/canary.yaml", "--state-dir", stateDir);

            Assert.True(exit == 3, $"exit {exit}: {stdout}{stderr}");
            Assert.Contains("no controller is running", stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(stateDir, recursive: true);
        }
    }

    [Fact]
    public async Task DotnetRun_MissingSpec_OneLineAndExitTwoAndNothingStarted()
    {
        var stateDir = Path.Combine(Path.GetTempPath(), $"canaria-never-{Guid.NewGuid():N}");

        var (exit, stdout, stderr) = await DotnetRunAsync(CanarySampleWalkthrough.RepositoryRoot(), "run", "-f", "samples/rollouts/no-such.yaml", "--state-dir", stateDir);

        Assert.True(exit == 2, $"exit {exit}: {stdout}{stderr}");
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, stderr); // one line, no stack trace
        Assert.Contains(Path.Combine(CanarySampleWalkthrough.RepositoryRoot(), "samples", "rollouts", "no-such.yaml"), lines[0], StringComparison.Ordinal);
        Assert.False(Directory.Exists(stateDir), "a run with a missing spec created its state directory (it started something)");
    }

    [Fact]
    public async Task Run_RelativeSpecFromAnotherDirectory_ResolvedAgainstThatDirectory()
    {
        var dir = Directory.CreateTempSubdirectory("canaria-cwd-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "specs"));
            await File.WriteAllTextAsync(Path.Combine(dir, "specs", "bad.yaml"), "apiVersion: canaria.dev/v1alpha1\nkind: Rollout\nmetadata: {name: Bad_Name}\n");
            var (exit, _, stderr) = await StartAsync("dotnet", dir, CliProcess.CanariaDll, "apply", "-f", "specs/bad.yaml", "--state-dir", Path.Combine(dir, "state"));
            var (missingExit, _, missingErr) = await StartAsync("dotnet", dir, CliProcess.CanariaDll, "apply", "-f", "specs/none.yaml", "--state-dir", Path.Combine(dir, "state"));

            Assert.True(exit == 3, stderr); // found and read (the controller check comes after)
            Assert.True(missingExit == 2, missingErr);
            Assert.Contains(Path.Combine(dir, "specs", "none.yaml"), missingErr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Task<(int Exit, string Stdout, string Stderr)> DotnetRunAsync(string workingDirectory, params string[] args) =>
        StartAsync("dotnet", workingDirectory, ["run", "--no-build", "-c", Configuration, "--project", "src/Canaria.Cli", "--", .. args]);

    private static async Task<(int Exit, string Stdout, string Stderr)> StartAsync(string file, string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["NO_COLOR"] = "1";
        return await CliProcess.RunFileAsync(info, TimeSpan.FromMinutes(2));
    }
}
