using Canaria.Gateway.Managed;
using Canaria.Local.Api;
using Canaria.Local.Processes;
using Canaria.Local.Tests.Support;
using Canaria.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Canaria.Local.Tests.Gateway;

/// <summary>
/// A controller replaces a gateway canaria runs by the native executable, and the native one fails during its takeover.
/// The native one here is a fake (a script that passes the build probe): the takeover handshake it would make with the
/// real gateway is made by the test, over the real protocol, at the moment the script names, and the script then exits
/// 1 as a native gateway that crashed would. Everything else is real: the controller, the replaced gateway, the fallback
/// canaria gateway and the traffic, which must never see a refused or failed request.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class GatewayTakeoverFallbackTests
{
    public enum Failure
    {
        /// <summary>It took the sockets and wrote its record, and died before it committed: the old gateway serves on.</summary>
        BeforeCommit,

        /// <summary>It committed and died while the old gateway was still draining (that one refuses to lend now).</summary>
        AfterCommitWhileTheOldOneDrains,

        /// <summary>It committed and died after the old gateway had exited: only the controller's copies hold the sockets.</summary>
        AfterCommitOldOneGone,

        /// <summary>
        /// It died before it committed, and the old gateway (which serves on) is stopped (SIGSTOP) until the fallback is
        /// started, so it answers neither the controller's lend nor anything else for seconds: the fallback must take over
        /// from it, never start beside it on the controller's copies (two gateways would then serve, one never updated).
        /// </summary>
        BeforeCommitOldOneHangs,
    }

    private const int SigCont = 18;
    private const int SigStop = 19;

    [Theory]
    [InlineData(Failure.BeforeCommit)]
    [InlineData(Failure.AfterCommitWhileTheOldOneDrains)]
    [InlineData(Failure.AfterCommitOldOneGone)]
    [InlineData(Failure.BeforeCommitOldOneHangs)]
    public async Task StartAsync_NativeSuccessorFailsDuringTakeover_OneCanariaGatewayServesTheSameListenerAndNoRequestFails(Failure failure)
    {
        await using var app = await TestHttpServer.StartAsync(ctx => ctx.Response.WriteAsync("ok"));
        using var dir = new TempDirectory();
        using var bin = new TempDirectory();
        var paths = new ManagedGatewayPaths(dir.Path);
        Uri address;
        int old;
        await using (var first = await ControllerHost.StartAsync(TestController.Options(dir.Path) with { NativeGateway = null, StopReplicasOnExit = false }, CancellationToken.None))
        {
            Assert.True((await first.Controller.ApplyAsync(UpstreamRollout.Head("v1", app.Address) + "  strategy: {canary: {steps: [{traffic: 50}]}}\n", CancellationToken.None)).Ok);
            address = await Poll.UntilAsync(() => first.ServiceAddress("shop"), a => a is not null, "the gateway's listener for shop") ?? throw new InvalidOperationException();
            await Poll.UntilAsync(() => Answers(address), "the first gateway to serve shop");
            old = first.GatewayPid;
        }

        var started = Path.Combine(bin.Path, "started");
        var exit = Path.Combine(bin.Path, "exit");
        var native = GatewayExecutableTests.FakeExecutable(bin,
            $"if [ \"$1\" = --build-id ]; then echo {ManagedGatewayInfo.CurrentBuild}; exit 0; fi\n"
            + $"echo $$ > '{started}'; while [ ! -e '{exit}' ]; do sleep 0.02; done; echo 'crashed after the takeover' >&2; exit 1");

        var load = new LoadGenerator(address, workers: 4, pauseMs: 10);
        var before = new List<Answer>();
        var loadRuns = true;
        Task<ControllerHost>? second = null;
        try
        {
            await Poll.UntilAsync(() => load.Answers.Count >= 20, "traffic through the first gateway");
            second = ControllerHost.StartAsync(TestController.Options(dir.Path) with { NativeGateway = native }, CancellationToken.None);
            var pid = await Poll.UntilAsync(() => File.Exists(started) ? File.ReadAllText(started) : "", t => t.EndsWith('\n'), "the native gateway to start");
            await TakeOverAndDieAsync(paths, old, int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture), failure);
            if (failure == Failure.BeforeCommitOldOneHangs)
            {
                // No traffic while it is stopped (requests would wait longer than a client's timeout); what was answered
                // before is checked with the rest.
                loadRuns = false;
                await load.DisposeAsync();
                before.AddRange(load.Answers);
                UnixProcess.Signal(old, SigStop);
                await File.WriteAllTextAsync(exit, "");
                await Poll.UntilAsync(() => FallbackStarted(dir.Path, old), "the fallback gateway to start", TimeSpan.FromSeconds(60));
                UnixProcess.Signal(old, SigCont);
                load = new LoadGenerator(address, workers: 4, pauseMs: 10);
                loadRuns = true;
            }
            await File.WriteAllTextAsync(exit, "");
            var host = await second;
            await Poll.UntilAsync(() => UnixProcess.ReadStartTime(old) is null, "the replaced gateway to exit", TimeSpan.FromSeconds(30));
            var served = load.Answers.Count;
            await Poll.UntilAsync(() => load.Answers.Count >= served + 20, "traffic through the new gateway");
            await load.DisposeAsync();
            loadRuns = false;

            Assert.Contains("it did not start: the gateway process exited with code 1", host.GatewayProgram.FallbackReason);
            Assert.NotEqual(old, host.GatewayPid);
            Assert.Contains("canaria.dll", await File.ReadAllTextAsync($"/proc/{host.GatewayPid}/cmdline"));
            Assert.Equal(host.GatewayPid, ManagedGatewayInfo.Read(paths.InfoFile)?.Pid);
            Assert.Equal(address, host.ServiceAddress("shop"));
            var answers = before.Concat(load.Answers).ToList();
            var failed = answers.Where(a => a.Status != 200).ToList();
            Assert.True(failed.Count == 0, $"{failed.Count} of {answers.Count} requests failed ({string.Join(", ", failed.Select(a => a.Status).Distinct())}); gateway log:\n{File.ReadAllText(paths.LogFile)}");
        }
        finally
        {
            // Never leave the old gateway stopped (a failure between the two signals), whatever else failed.
            if (failure == Failure.BeforeCommitOldOneHangs && UnixProcess.ReadStartTime(old) is not null) UnixProcess.Signal(old, SigCont);
            if (loadRuns) await load.DisposeAsync();
            File.WriteAllText(exit, "");
            if (second is not null) await (await second).DisposeAsync();
        }
    }

    [Fact]
    public async Task Handover_SuccessorWritesItsRecordAndDiesBeforeCommitWhileNoControllerRuns_ServingGatewayNamesItselfAgain()
    {
        await using var app = await TestHttpServer.StartAsync(ctx => ctx.Response.WriteAsync("ok"));
        using var dir = new TempDirectory();
        var paths = new ManagedGatewayPaths(dir.Path);
        int old;
        await using (var first = await ControllerHost.StartAsync(TestController.Options(dir.Path) with { NativeGateway = null, StopReplicasOnExit = false }, CancellationToken.None))
        {
            Assert.True((await first.Controller.ApplyAsync(UpstreamRollout.Head("v1", app.Address) + "  strategy: {canary: {steps: [{traffic: 50}]}}\n", CancellationToken.None)).Ok);
            await Poll.UntilAsync(() => first.ServiceAddress("shop"), a => a is not null, "the gateway's listener for shop");
            old = first.GatewayPid;
        }

        try
        {
            // The successor is this test process (the handover names the pid that asks): it writes its record and goes away.
            await TakeOverAndDieAsync(paths, old, Environment.ProcessId, Failure.BeforeCommit);
            await Poll.UntilAsync(() => ManagedGatewayInfo.Read(paths.InfoFile)?.Pid, pid => pid == old, "the serving gateway to name itself in the record again");

            // A controller started now adopts it (no second gateway, no takeover).
            await using var second = await ControllerHost.StartAsync(TestController.Options(dir.Path) with { NativeGateway = null }, CancellationToken.None);
            Assert.Equal(old, second.GatewayPid);
        }
        finally
        {
            if (UnixProcess.ReadStartTime(old) is not null) UnixProcess.Signal(old, UnixProcess.SigTerm);
        }
    }

    /// <summary>
    /// What a native gateway does on <c>--takeover</c> up to its failure: takes the sockets and config, writes its record
    /// (with sockets nobody answers on), commits or not, and dies (its copies of the sockets close). The test process takes
    /// the descriptors with close-on-exec: other tests in this process start processes meanwhile, and none may inherit them.
    /// </summary>
    private static async Task TakeOverAndDieAsync(ManagedGatewayPaths paths, int old, int fakePid, Failure failure)
    {
        var serving = ManagedGatewayInfo.Read(paths.InfoFile);
        Assert.Equal(old, serving?.Pid);
        var token = (await File.ReadAllTextAsync(paths.TokenFile)).Trim();
        var handover = await Task.Run(() => HandoverClient.TakeOver(serving!.HandoverSocket, token, TimeSpan.FromSeconds(20), closeOnExec: true));
        try
        {
            Assert.NotEmpty(handover.Listeners);
            new ManagedGatewayInfo(fakePid, "fake-native", ManagedGatewayInfo.CurrentBuild, paths.AdminSocket(fakePid), paths.HandoverSocket(fakePid), DateTimeOffset.UtcNow).Write(paths.InfoFile);
            if (failure is Failure.BeforeCommit or Failure.BeforeCommitOldOneHangs) return;
            handover.Commit();
            if (failure == Failure.AfterCommitOldOneGone)
                await Poll.UntilAsync(() => UnixProcess.ReadStartTime(old) is null, "the replaced gateway to drain and exit");
        }
        finally
        {
            foreach (var listener in handover.Listeners) SocketPassing.Close(listener.Socket);
            handover.Dispose();
        }
    }

    /// <summary>Whether a `canaria gateway --managed` for this state directory, other than <paramref name="old"/>, runs (the controller's fallback).</summary>
    private static bool FallbackStarted(string stateDirectory, int old)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (Path.GetFileName(dir) == old.ToString(System.Globalization.CultureInfo.InvariantCulture)) continue;
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains("canaria.dll", StringComparison.Ordinal) && cmdline.Contains(" gateway --managed", StringComparison.Ordinal)
                    && cmdline.Contains(stateDirectory, StringComparison.Ordinal)) return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not a process, or gone meanwhile.
            }
        }
        return false;
    }

    private static bool Answers(Uri address)
    {
        try
        {
            using var response = Http.Client.GetAsync(address).GetAwaiter().GetResult();
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
