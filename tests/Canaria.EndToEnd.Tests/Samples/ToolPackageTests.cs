using System.Diagnostics;

namespace Canaria.EndToEnd.Tests.Samples;

/// <summary>
/// The README's install: `dotnet pack src/Canaria.Cli` makes the .NET tool packages Canaria.Cli (`canaria`) and
/// Canaria.KubectlPlugin (`kubectl-canaria`); both installed into a temporary --tool-path from that folder only.
/// </summary>
public sealed class ToolPackageTests : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif
    private readonly string _dir = Directory.CreateTempSubdirectory("canaria-tool-").FullName;

    [Fact]
    public async Task ToolPackages_InstalledToToolPath_CanariaVersionAndKubectlCanariaInClusterMode()
    {
        var packages = Path.Combine(_dir, "artifacts");
        var tools = Path.Combine(_dir, "tools");
        var home = Directory.CreateDirectory(Path.Combine(_dir, "home")).FullName;
        // --no-build: the test's build already compiled src/Canaria.Cli in this configuration.
        var pack = await RunAsync("dotnet", CanarySampleWalkthrough.RepositoryRoot(), "pack", "src/Canaria.Cli", "-c", Configuration, "--no-build", "-o", packages);
        Assert.True(pack.Exit == 0, pack.Output);
        foreach (var id in new[] { "Canaria.Cli", "Canaria.KubectlPlugin" })
        {
            // Only the packed folder as source, and a NuGet cache of its own, so no other or older copy can be installed.
            var install = await RunAsync("dotnet", _dir, "tool", "install", id, "--tool-path", tools, "--source", packages);
            Assert.True(install.Exit == 0, install.Output);
        }

        var version = await RunAsync(Path.Combine(tools, "canaria"), home, "--version");
        var plugin = await RunAsync(Path.Combine(tools, "kubectl-canaria"), home, "get");
        var local = await RunAsync(Path.Combine(tools, "canaria"), home, "get", "--state-dir", Path.Combine(home, "state"));

        Assert.True(version.Exit == 0, version.Output);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Output);
        Assert.True(plugin.Exit == 3, plugin.Output); // by its name alone it talks to a cluster: there is no kubeconfig here
        Assert.Contains("no usable kubeconfig", plugin.Output, StringComparison.Ordinal);
        Assert.True(local.Exit == 3, local.Output); // the same program as `canaria` stays local
        Assert.Contains("no controller is running", local.Output, StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Output)> RunAsync(string file, string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["NUGET_PACKAGES"] = Path.Combine(_dir, "nuget-cache");
        info.Environment["HOME"] = Path.Combine(_dir, "home");
        info.Environment["DOTNET_CLI_HOME"] = Path.Combine(_dir, "home");
        info.Environment["KUBECONFIG"] = "";
        info.Environment["KUBERNETES_SERVICE_HOST"] = "";
        info.Environment["NO_COLOR"] = "1";
        var (exit, stdout, stderr) = await CliProcess.RunFileAsync(info, TimeSpan.FromMinutes(5));
        return (exit, stdout + stderr);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
