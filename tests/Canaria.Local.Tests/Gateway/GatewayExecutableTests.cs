using Canaria.Gateway.Managed;
using Canaria.Local.Gateway;
using Canaria.Local.Tests.Support;

namespace Canaria.Local.Tests.Gateway;

/// <summary>
/// Which program runs the gateway: the native canaria-gateway the build put beside the tests when it is current, and
/// canaria itself (with the reason) when it is missing, stale or does not run. The stale and broken executables are
/// fakes (shell scripts named as such): a real stale binary would need a second Native AOT build of other code.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class GatewayExecutableTests
{
    private static readonly IReadOnlyList<string> Fallback = ["dotnet", "canaria.dll"];

    /// <summary>The real one the build copied beside the tests; missing means the build had no clang, which CI installs.</summary>
    internal static string BuiltNativeGateway()
    {
        var path = GatewayExecutable.BesideThisProgram();
        Assert.True(File.Exists(path), $"{path} was not built: Native AOT needs clang (apt-get install clang; .ci/apt-packages.txt lists it), then build again");
        return path;
    }

    [Fact]
    public async Task ChooseAsync_NativeGatewayBuiltBesideTheTests_ChosenItReportsTheControllersBuild()
    {
        var path = BuiltNativeGateway();

        var choice = await GatewayExecutable.ChooseAsync(path, Fallback, CancellationToken.None);

        Assert.Null(choice.FallbackReason);
        Assert.Equal(path, choice.NativeExecutable);
        Assert.Equal([path], choice.Command);
        Assert.StartsWith("gateway: the native canaria-gateway", choice.Describe());
    }

    [Fact]
    public async Task ChooseAsync_NoExecutable_FallsBackToCanariaSayingItWasNotBuilt()
    {
        using var dir = new TempDirectory();

        var choice = await GatewayExecutable.ChooseAsync(Path.Combine(dir.Path, "canaria-gateway"), Fallback, CancellationToken.None);

        Assert.Equal(Fallback, choice.Command);
        Assert.Null(choice.NativeExecutable);
        Assert.Contains("was not built (Native AOT needs clang", choice.FallbackReason);
        Assert.StartsWith("gateway: runs inside canaria, not as the native canaria-gateway: ", choice.Describe());
    }

    [Fact]
    public async Task ChooseAsync_FakeExecutableOfAnotherBuild_FallsBackSayingItIsStale()
    {
        using var dir = new TempDirectory();
        var path = FakeExecutable(dir, "echo 0123456789abcdef0123456789abcdef");

        var choice = await GatewayExecutable.ChooseAsync(path, Fallback, CancellationToken.None);

        Assert.Equal(Fallback, choice.Command);
        Assert.Contains("is stale: built from other gateway code than this canaria (build 0123456789abcdef0123456789abcdef, canaria has " + ManagedGatewayInfo.CurrentBuild, choice.FallbackReason);
    }

    [Fact]
    public async Task ChooseAsync_FakeExecutableThatFails_FallsBackSayingItDoesNotRunAndWhy()
    {
        using var dir = new TempDirectory();
        var path = FakeExecutable(dir, "echo 'this CPU lacks AVX2' >&2; exit 3");

        var choice = await GatewayExecutable.ChooseAsync(path, Fallback, CancellationToken.None);

        Assert.Equal(Fallback, choice.Command);
        Assert.Contains("does not run here (exit code 3: this CPU lacks AVX2)", choice.FallbackReason);
    }

    [Fact]
    public async Task ChooseAsync_FakeExecutablePrintingNoBuildId_FallsBack()
    {
        using var dir = new TempDirectory();
        var path = FakeExecutable(dir, "echo hello");

        var choice = await GatewayExecutable.ChooseAsync(path, Fallback, CancellationToken.None);

        Assert.Equal(Fallback, choice.Command);
        Assert.Contains("it printed no build id: 'hello'", choice.FallbackReason);
    }

    [Fact]
    public async Task ChooseAsync_FileNotExecutable_FallsBackSayingItDoesNotRun()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "canaria-gateway");
        await File.WriteAllTextAsync(path, "not a program");

        var choice = await GatewayExecutable.ChooseAsync(path, Fallback, CancellationToken.None);

        Assert.Equal(Fallback, choice.Command);
        Assert.Contains("does not run here", choice.FallbackReason);
    }

    [Theory]
    [InlineData("--bogus", "--bogus: unknown argument")]
    [InlineData("gateway --managed", "--state-dir: required with --managed")]
    [InlineData("gateway --managed --state-dir", "--state-dir: a value is required")]
    [InlineData("--managed --state-dir /tmp --config x.yaml", "--config: cannot be used with --managed")]
    [InlineData("--takeover --config x.yaml", "--takeover and --listeners-from: only with --managed")]
    public async Task NativeGateway_BadArguments_ExitsTwoNamingTheArgument(string arguments, string error)
    {
        var start = new System.Diagnostics.ProcessStartInfo(BuiltNativeGateway(), arguments.Split(' ')) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith("canaria-gateway: " + error, stderr);
        Assert.Contains("Usage:", stderr);
    }

    /// <summary>A fake canaria-gateway: a shell script in <paramref name="dir"/>.</summary>
    internal static string FakeExecutable(TempDirectory dir, string script)
    {
        var path = Path.Combine(dir.Path, "canaria-gateway");
        File.WriteAllText(path, "#!/bin/sh\n" + script + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
