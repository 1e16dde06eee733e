using System.ComponentModel;
using System.Diagnostics;
using Canaria.Gateway.Managed;

namespace Canaria.Local.Gateway;

/// <summary>
/// Picks the program for the gateway process. The build publishes the gateway alone as a Native AOT executable,
/// <c>canaria-gateway</c>, beside canaria (no JIT at any time: measured in bench/gateway, less CPU per request and
/// milliseconds to start). It is used only when it runs here and reports the same gateway build (module version id of
/// Canaria.Gateway) as this controller, so an executable left from before a change to the gateway, or from a build
/// without clang, is never run: canaria then runs the gateway itself (<c>canaria gateway --managed</c>) and says why.
/// </summary>
internal static class GatewayExecutable
{
    public const string FileName = "canaria-gateway";
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Where the build puts it: beside this assembly.</summary>
    public static string BesideThisProgram() => Path.Combine(AppContext.BaseDirectory, FileName);

    /// <summary>The native executable at <paramref name="nativePath"/> if it is current and runs, else <paramref name="fallback"/>.</summary>
    public static async Task<GatewayChoice> ChooseAsync(string? nativePath, IReadOnlyList<string> fallback, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(nativePath))
            return new(fallback, null, "turned off", fallback);
        nativePath = Path.GetFullPath(nativePath);
        if (!File.Exists(nativePath))
            return new(fallback, null, $"{nativePath} was not built (Native AOT needs clang: apt-get install clang, then build again)", fallback);
        var (build, problem) = await ProbeAsync(nativePath, ct).ConfigureAwait(false);
        if (problem is not null)
            return new(fallback, null, $"{nativePath} does not run here ({problem})", fallback);
        if (build != ManagedGatewayInfo.CurrentBuild)
            return new(fallback, null, $"{nativePath} is stale: built from other gateway code than this canaria (build {build}, canaria has {ManagedGatewayInfo.CurrentBuild}); build again with clang installed", fallback);
        return new([nativePath], nativePath, null, fallback);
    }

    /// <summary>Runs <c>canaria-gateway --build-id</c> with the gateway's clean environment; the build it prints, or what went wrong.</summary>
    private static async Task<(string? Build, string? Problem)> ProbeAsync(string path, CancellationToken ct)
    {
        var start = new ProcessStartInfo(path, ["--build-id"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        GatewayLaunch.UseCleanEnvironment(start);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("not started");
        }
        catch (Win32Exception e)
        {
            return (null, e.Message);
        }
        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ProbeTimeout);
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                var text = (await output.ConfigureAwait(false)).Trim();
                if (process.ExitCode != 0)
                    return (null, $"exit code {process.ExitCode}: {FirstLine(await errors.ConfigureAwait(false))}");
                return text.Length == 32 && text.All(Uri.IsHexDigit) ? (text, null) : (null, $"it printed no build id: '{FirstLine(text)}'");
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                KillQuietly(process);
                return (null, $"no answer to --build-id within {ProbeTimeout.TotalSeconds:0} s");
            }
            catch (OperationCanceledException)
            {
                KillQuietly(process); // the controller is stopping: never leave the probe behind
                throw;
            }
        }
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // already gone
        }
    }

    private static string FirstLine(string text)
    {
        var line = text.Trim().Split('\n', 2)[0].Trim();
        return line.Length > 200 ? line[..200] + "…" : line;
    }
}
