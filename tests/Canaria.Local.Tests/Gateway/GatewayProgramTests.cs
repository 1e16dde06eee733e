using Canaria.Core.Engine;
using Canaria.Gateway.Managed;
using Canaria.Local.Api;
using Canaria.Local.Gateway;
using Canaria.Local.Processes;
using Canaria.Local.Tests.Support;
using Canaria.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Canaria.Local.Tests.Gateway;

/// <summary>
/// A real controller starts its gateway process from the native canaria-gateway by default, from canaria when that
/// cannot be used, and replaces a gateway canaria runs by the native one once it is there; traffic flows in each case.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class GatewayProgramTests
{
    private static string Spec(Uri upstream) => UpstreamRollout.Head("v1", upstream) + """
          strategy: {canary: {steps: [{traffic: 50}]}}
        """;

    [Fact]
    public async Task StartAsync_Default_GatewayProcessIsTheNativeExecutableAndServes()
    {
        var native = GatewayExecutableTests.BuiltNativeGateway();
        await using var app = await TestHttpServer.StartAsync(ctx => ctx.Response.WriteAsync("ok"));
        using var dir = new TempDirectory();
        await using var host = await ControllerHost.StartAsync(TestController.Options(dir.Path), CancellationToken.None);

        Assert.Equal(native, UnixProcess.Executable(host.GatewayPid));
        Assert.Equal(native, host.GatewayProgram.NativeExecutable);
        await AssertServesAsync(host, app.Address);
    }

    [Fact]
    public async Task StartAsync_NativeGatewayStale_CanariaRunsTheGatewayAndServes()
    {
        await using var app = await TestHttpServer.StartAsync(ctx => ctx.Response.WriteAsync("ok"));
        using var dir = new TempDirectory();
        using var bin = new TempDirectory();
        var stale = GatewayExecutableTests.FakeExecutable(bin, "echo 0123456789abcdef0123456789abcdef"); // reports another build
        await using var host = await ControllerHost.StartAsync(TestController.Options(dir.Path) with { NativeGateway = stale }, CancellationToken.None);

        Assert.Contains("is stale", host.GatewayProgram.FallbackReason);
        Assert.NotEqual(stale, UnixProcess.Executable(host.GatewayPid));
        Assert.Contains("canaria.dll", await File.ReadAllTextAsync($"/proc/{host.GatewayPid}/cmdline"));
        await AssertServesAsync(host, app.Address);
    }

    [Fact]
    public async Task StartAsync_FakeNativeGatewayThatCannotServe_CanariaRunsTheGatewayAndServes()
    {
        await using var app = await TestHttpServer.StartAsync(ctx => ctx.Response.WriteAsync("ok"));
        using var dir = new TempDirectory();
        using var bin = new TempDirectory();
        // Passes the probe (the controller's own build id), then fails as a gateway would that cannot load what it needs.
        var broken = GatewayExecutableTests.FakeExecutable(bin,
            $"if [ \"$1\" = --build-id ]; then echo {ManagedGatewayInfo.CurrentBuild}; exit 0; fi; echo 'cannot load libssl' >&2; exit 1");
        await using var host = await ControllerHost.StartAsync(TestController.Options(dir.Path) with { NativeGateway = broken }, CancellationToken.None);

        Assert.Contains("it did not start: the gateway process exited with code 1", host.GatewayProgram.FallbackReason);
        Assert.Contains("canaria.dll", await File.ReadAllTextAsync($"/proc/{host.GatewayPid}/cmdline"));
        await AssertServesAsync(host, app.Address);
    }

    [Fact]
    public async Task StartAsync_GatewayOfTheSameBuildRunByCanaria_ReplacedByTheNativeExecutable()
    {
        var native = GatewayExecutableTests.BuiltNativeGateway();
        await using var app = await TestHttpServer.StartAsync(ctx => ctx.Response.WriteAsync("ok"));
        using var dir = new TempDirectory();
        int before;
        await using (var first = await ControllerHost.StartAsync(TestController.Options(dir.Path) with { NativeGateway = null, StopReplicasOnExit = false }, CancellationToken.None))
        {
            before = first.GatewayPid;
            Assert.NotEqual(native, UnixProcess.Executable(before));
            await AssertServesAsync(first, app.Address);
        }

        await using var second = await ControllerHost.StartAsync(TestController.Options(dir.Path), CancellationToken.None);

        Assert.NotEqual(before, second.GatewayPid);
        Assert.Equal(native, UnixProcess.Executable(second.GatewayPid));
        await Poll.UntilAsync(() => UnixProcess.ReadStartTime(before) is null, "the replaced gateway to drain and exit");
        await AssertServesAsync(second, app.Address);
    }

    [Fact]
    public async Task StartAsync_NativeGatewayRunningFromASymlinkedInstallPath_AdoptedWithoutAHandover()
    {
        var native = GatewayExecutableTests.BuiltNativeGateway();
        await using var app = await TestHttpServer.StartAsync(ctx => ctx.Response.WriteAsync("ok"));
        using var dir = new TempDirectory();
        using var bin = new TempDirectory();
        Directory.CreateSymbolicLink(Path.Combine(bin.Path, "current"), Path.GetDirectoryName(native)!);
        var installed = Path.Combine(bin.Path, "current", "..", "current", GatewayExecutable.FileName); // a symlink and a `..`
        int before;
        await using (var first = await ControllerHost.StartAsync(TestController.Options(dir.Path) with { NativeGateway = installed, StopReplicasOnExit = false }, CancellationToken.None))
        {
            before = first.GatewayPid;
            Assert.Equal(native, UnixProcess.Executable(before));
            await AssertServesAsync(first, app.Address);
        }

        await using var second = await ControllerHost.StartAsync(TestController.Options(dir.Path) with { NativeGateway = installed }, CancellationToken.None);

        Assert.Equal(before, second.GatewayPid);
        await AssertServesAsync(second, app.Address);
    }

    [Fact]
    public async Task StartAsync_NativeGatewayRunningFromAnotherFile_HandedOverToTheOneThisControllerStarts()
    {
        var native = GatewayExecutableTests.BuiltNativeGateway();
        await using var app = await TestHttpServer.StartAsync(ctx => ctx.Response.WriteAsync("ok"));
        using var dir = new TempDirectory();
        using var bin = new TempDirectory();
        var other = Path.Combine(bin.Path, GatewayExecutable.FileName);
        File.Copy(native, other);
        int before;
        await using (var first = await ControllerHost.StartAsync(TestController.Options(dir.Path) with { StopReplicasOnExit = false }, CancellationToken.None))
        {
            before = first.GatewayPid;
            await AssertServesAsync(first, app.Address);
        }

        await using var second = await ControllerHost.StartAsync(TestController.Options(dir.Path) with { NativeGateway = other }, CancellationToken.None);

        Assert.NotEqual(before, second.GatewayPid);
        Assert.Equal(UnixProcess.RealPath(other), UnixProcess.Executable(second.GatewayPid));
        await Poll.UntilAsync(() => UnixProcess.ReadStartTime(before) is null, "the replaced gateway to drain and exit");
        await AssertServesAsync(second, app.Address);
    }

    private static async Task AssertServesAsync(ControllerHost host, Uri upstream)
    {
        if (!host.Controller.Views.ContainsKey("shop"))
            Assert.True((await host.Controller.ApplyAsync(Spec(upstream), CancellationToken.None)).Ok);
        await Poll.UntilAsync(() => host.Controller.Views.GetValueOrDefault("shop")?.Status.Phase == RolloutPhase.Healthy, "v1 healthy");
        var address = await Poll.UntilAsync(() => host.ServiceAddress("shop"), a => a is not null, "the gateway's listener for shop");
        using var response = await Http.Client.GetAsync(address);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }
}
