using System.Diagnostics;
using System.Globalization;

namespace Canaria.Bench.Scale;

/// <summary>`canaria controller` as its own process (dotnet canaria.dll), with its CPU time and memory read from /proc.</summary>
internal sealed class Controller : IDisposable
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux
    private readonly Process _process;

    private Controller(Process process) => _process = process;

    public int Id => _process.Id;

    public static Controller Start(string canariaDll, string kubeconfig, string ns, string logFile)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { canariaDll, "controller", "--kubeconfig", kubeconfig, "--namespace", ns, "--lease-namespace", ns })
            info.ArgumentList.Add(a);
        // CONTROLLER_ARGS: more flags for every controller the benchmark starts, e.g. "--workers 8".
        foreach (var a in (Environment.GetEnvironmentVariable("CONTROLLER_ARGS") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
            info.ArgumentList.Add(a);
        info.Environment["NO_COLOR"] = "1";
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet canaria.dll controller");
        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is { } l) lock (log) log.WriteLine(l); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } l) lock (log) log.WriteLine(l); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new Controller(process);
    }

    /// <summary>User + system CPU seconds so far (fields 14 and 15 of /proc/PID/stat).</summary>
    public double CpuSeconds
    {
        get
        {
            var stat = File.ReadAllText($"/proc/{Id}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
    }

    /// <summary>Resident memory now and its peak, in MB (VmRSS, VmHWM of /proc/PID/status).</summary>
    public (double Rss, double Peak) Memory
    {
        get
        {
            double Field(string[] lines, string name) =>
                long.Parse(lines.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
                    CultureInfo.InvariantCulture) / 1024.0;
            var lines = File.ReadAllLines($"/proc/{Id}/status");
            return (Field(lines, "VmRSS:"), Field(lines, "VmHWM:"));
        }
    }

    /// <summary>
    /// Waits until a newly started controller has done its first pass: at least <paramref name="atLeast"/>, then until it
    /// used under 5% of a core over 5 s (at most 5 minutes).
    /// </summary>
    public async Task WaitQuietAsync(TimeSpan atLeast, CancellationToken cancellationToken)
    {
        await Task.Delay(atLeast, cancellationToken);
        var window = TimeSpan.FromSeconds(5);
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromMinutes(5); waited += window)
        {
            var cpu = CpuSeconds;
            await Task.Delay(window, cancellationToken);
            if ((CpuSeconds - cpu) / window.TotalSeconds < 0.05) return;
        }
    }

    /// <summary>SIGTERM: a clean stop that hands the Lease back.</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>SIGKILL: a crash; the Lease stays held until it expires.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
