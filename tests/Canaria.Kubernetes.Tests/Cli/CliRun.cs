using System.Text.Json.Nodes;

namespace Canaria.Kubernetes.Tests.Cli;

/// <summary>The exit code and output of one run of the built CLI.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public string All => Stdout + Stderr;

    public JsonNode Json()
    {
        Assert.True(ExitCode == 0, $"the CLI failed with {ExitCode}: {All}");
        return JsonNode.Parse(Stdout) ?? throw new InvalidOperationException("empty JSON output");
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
