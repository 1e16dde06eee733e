using System.Reflection;
using Canaria.Local.Processes;

namespace Canaria.Local.Tests.Support;

/// <summary>Where the built sample app is, and templates that run it through <c>dotnet</c>.</summary>
internal static class SampleApp
{
    private static readonly Lazy<string> Dll = new(Locate);

    public static string DllPath => Dll.Value;

    public static string DotnetPath =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static ReplicaTemplate Template(string version, params string[] extraArguments) => new()
    {
        Version = version,
        FileName = DotnetPath,
        Arguments = [DllPath, "--port", "{port}", "--version", "{version}", "--instance", "{instance}", .. extraArguments],
        ReadinessPeriod = TimeSpan.FromMilliseconds(200),
        GracePeriod = TimeSpan.FromSeconds(5),
    };

    private static string Locate()
    {
        var recorded = typeof(SampleApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "SampleAppDll")?.Value;
        if (string.IsNullOrEmpty(recorded))
            throw new InvalidOperationException("the test assembly has no SampleAppDll metadata: the RecordSampleAppPath target did not run");
        if (!File.Exists(recorded))
            throw new FileNotFoundException($"the sample app was not built where MSBuild said it would be: {recorded}", recorded);
        return recorded;
    }
}
