using System.Diagnostics;
using System.Text;

namespace Canaria.Kubernetes.Tests.Robustness;

/// <summary>`canaria controller` as users run it: the CLI's build output (canaria.dll) in its own process.</summary>
internal sealed class ControllerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ControllerProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>The Lease holder identity `canaria controller` uses: machine name and process id.</summary>
    public string Identity => $"{Environment.MachineName}-{_process.Id}";

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>canaria.dll next to its runtimeconfig in src/Canaria.Cli/bin/CONFIGURATION/TFM (built by the test project's reference).</summary>
    public static string CanariaDll
    {
        get
        {
            var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var dll = Path.Combine(Support.ControlPlaneFixture.RepositoryRoot(), "src", "Canaria.Cli", "bin", tfm.Parent!.Name, tfm.Name, "canaria.dll");
            Assert.True(File.Exists(dll), $"{dll} is missing: the CLI was not built with the tests");
            return dll;
        }
    }

    public static ControllerProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(CanariaDll);
        info.ArgumentList.Add("controller");
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["NO_COLOR"] = "1";
        var process = new Process { StartInfo = info };
        var started = new ControllerProcess(process);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        Assert.True(process.Start(), "could not start dotnet canaria.dll controller");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>SIGKILL: no cleanup, the Lease is not released, whatever was in flight is cut off.</summary>
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

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }
}
