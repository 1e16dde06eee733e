namespace Canaria.Local.Controller;

/// <summary>
/// How to start this same `canaria` program again (for `{canaria} sample-app ...` in a template): the
/// apphost directly, or `dotnet canaria.dll` when it was started through the dotnet host.
/// </summary>
internal static class SelfCommand
{
    public static string CommandLine()
    {
        var process = Environment.ProcessPath ?? "canaria";
        var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
        var viaHost = Path.GetFileNameWithoutExtension(process) == "dotnet" && !string.IsNullOrEmpty(entry);
        return viaHost ? $"{Quote(process)} {Quote(entry!)}" : Quote(process);
    }

    public static string Expand(string command) =>
        command.Contains("{canaria}", StringComparison.Ordinal) ? command.Replace("{canaria}", CommandLine(), StringComparison.Ordinal) : command;

    private static string Quote(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"'{path}'" : path;
}
