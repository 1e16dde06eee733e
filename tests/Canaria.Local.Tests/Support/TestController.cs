using System.Reflection;
using Canaria.Local.Api;

namespace Canaria.Local.Tests.Support;

/// <summary>
/// Options for a real controller in a test: its gateway process is the native canaria-gateway the build put beside the
/// tests (the default, as for a user), or, when that cannot be used, the built canaria.dll; it stops with the controller.
/// </summary>
internal static class TestController
{
    private static readonly Lazy<string> CanariaDll = new(() =>
    {
        var recorded = typeof(TestController).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "CanariaDll")?.Value;
        if (string.IsNullOrEmpty(recorded) || !File.Exists(recorded))
            throw new FileNotFoundException($"canaria.dll was not built where MSBuild said it would be: '{recorded}'");
        return recorded;
    });

    public static ControllerHostOptions Options(string stateDirectory) => new()
    {
        StateDirectory = stateDirectory,
        StopReplicasOnExit = true,
        GatewayCommand = [Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } dotnet ? dotnet : "dotnet", CanariaDll.Value],
    };
}
