using System.CommandLine;
using Canaria.Local.State;

namespace Canaria.Cli.Commands;

/// <summary>Options shared by every command.</summary>
internal static class CommonOptions
{
    public static readonly Option<string> StateDir = new("--state-dir")
    {
        Description = "State directory of the controller (status, history, logs, API token). Default: $CANARIA_STATE_DIR or ~/.canaria",
        Recursive = true,
        DefaultValueFactory = _ => StateDirectory.DefaultPath(Environment.GetEnvironmentVariable),
    };

    public static Option<string> Output() => new("--output", "-o")
    {
        Description = "Output format: text (default) or json",
        DefaultValueFactory = _ => "text",
    };

    public static Argument<string> RolloutName() => new("name") { Description = "The rollout's metadata.name" };

    public static Option<FileInfo> File() => new("--filename", "-f")
    {
        Description = "Rollout spec file (YAML or JSON); '-' reads standard input",
        Required = true,
    };

    public static async Task<string> ReadSpecAsync(FileInfo file, CancellationToken ct) =>
        file.Name == "-" ? await Console.In.ReadToEndAsync(ct).ConfigureAwait(false) : await System.IO.File.ReadAllTextAsync(file.FullName, ct).ConfigureAwait(false);
}
