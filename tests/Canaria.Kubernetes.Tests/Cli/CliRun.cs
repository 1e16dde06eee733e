using System.Text.Json.Nodes;

namespace Canaria.Kubernetes.Tests.Cli;

/// <summary>The exit code and output of one run of the built CLI.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public string All => Stdout + Stderr;

    /// <summary>Stdout with its lines joined: piped output is wrapped at 100 columns, so a long message spans lines.</summary>
    public string Prose => System.Text.RegularExpressions.Regex.Replace(Stdout, @"[ \t]*\r?\n[ \t]*", " ");

    public JsonNode Json()
    {
        Assert.True(ExitCode == 0, $"the CLI failed with {ExitCode}: {All}");
        return JsonNode.Parse(Stdout) ?? throw new InvalidOperationException("empty JSON output");
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
