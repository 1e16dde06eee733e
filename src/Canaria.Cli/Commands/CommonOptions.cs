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

    /// <summary>
    /// The spec text of <paramref name="file"/> ('-' = standard input), or null after printing one line that names the
    /// file as given and the folder it was looked for in. A relative path is relative to the directory the command was
    /// started from (`dotnet run` keeps it: see RunWorkingDirectory in the project file).
    /// </summary>
    public static async Task<string?> ReadSpecAsync(FileInfo file, CancellationToken ct)
    {
        try
        {
            return file.ToString() == "-"
                ? await Console.In.ReadToEndAsync(ct).ConfigureAwait(false)
                : await System.IO.File.ReadAllTextAsync(file.FullName, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            Rendering.Output.Error($"{file}: no such file (looked for {file.FullName})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Rendering.Output.Error($"{file}: cannot read it: {e.Message}");
        }
        return null;
    }
}
