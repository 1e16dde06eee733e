using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Canaria.EndToEnd.Tests;

/// <summary>Runs the real `canaria` program (canaria.dll from the test output) as a separate process.</summary>
internal static class CliProcess
{
    private static readonly Dictionary<int, StringBuilder> Outputs = [];

    public static string CanariaDll => Existing(Path.Combine(AppContext.BaseDirectory, "canaria.dll"));

    public static string SampleAppDll => Existing(Path.Combine(AppContext.BaseDirectory, "Canaria.SampleApp.dll"));

    public static Process Start(List<Process> owned, params string[] args) => Start(owned, new Dictionary<string, string>(), args);

    /// <summary>Starts canaria with <paramref name="environment"/> added to the test's own environment.</summary>
    public static Process Start(List<Process> owned, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(CanariaDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["NO_COLOR"] = "1";
        foreach (var (key, value) in environment) info.Environment[key] = value;
        var output = new StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        Assert.True(process.Start(), "could not start dotnet canaria.dll");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (Outputs) Outputs[process.Id] = output;
        owned.Add(process);
        return process;
    }

    /// <summary>Everything the process wrote to stdout and stderr, as written (escape sequences included).</summary>
    public static string RawOutput(Process process)
    {
        StringBuilder? output;
        lock (Outputs) Outputs.TryGetValue(process.Id, out output);
        if (output is null) return "";
        lock (output) return output.ToString();
    }

    /// <summary>Runs canaria to its end (at most 60 s) and returns its exit code and raw output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var owned = new List<Process>();
        var process = Start(owned, environment, args);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"canaria {string.Join(' ', args)} did not exit within 60 s: {RawOutput(process)}");
        }
        process.WaitForExit(); // the end of the redirected streams
        var result = (process.ExitCode, RawOutput(process));
        process.Dispose();
        return result;
    }

    /// <summary>Runs a prepared process (output redirected) to its end, at most <paramref name="timeout"/>, then fails the test.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunFileAsync(ProcessStartInfo info, TimeSpan timeout)
    {
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{info.FileName} {string.Join(' ', info.ArgumentList)} did not exit within {timeout}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    public static string Output(Process process)
    {
        StringBuilder? output;
        lock (Outputs) Outputs.TryGetValue(process.Id, out output);
        if (output is null) return "";
        lock (output) return System.Text.RegularExpressions.Regex.Replace(output.ToString(), @"\x1b\[[0-9;]*m", ""); // no terminal styling
    }

    public static void Terminate(Process process)
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Safety net after a test: kills every replica process recorded in a state directory, and its gateway process.</summary>
    public static void KillReplicasUnder(string stateDir)
    {
        var records = Path.Combine(stateDir, "replicas");
        var files = Directory.Exists(records) ? Directory.EnumerateFiles(records, "*.json", SearchOption.AllDirectories).ToList() : [];
        var gateway = Path.Combine(stateDir, "gateway", "gateway.json");
        if (File.Exists(gateway)) files.Add(gateway);
        foreach (var file in files)
        {
            try
            {
                if (JsonNode.Parse(File.ReadAllText(file))?["pid"]?.GetValue<int>() is { } pid)
                    Process.GetProcessById(pid).Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or System.Text.Json.JsonException)
            {
            }
        }
    }

    private static string Existing(string path)
    {
        Assert.True(File.Exists(path), $"{path} is missing from the test output: the build did not copy it");
        return path;
    }
}
