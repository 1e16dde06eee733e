using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Canaria.Kubernetes.Tests.Cli;

/// <summary>Runs the built executables <c>canaria</c> and <c>kubectl-canaria</c> (from src/Canaria.Cli's output) as processes.</summary>
internal static partial class CanariaCli
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    public static string Directory => Path.GetDirectoryName(DllPath)!;

    public static string Canaria => Existing(Path.Combine(Directory, "canaria"));

    public static string KubectlPlugin => Existing(Path.Combine(Directory, "kubectl-canaria"));

    private static string DllPath =>
        typeof(CanariaCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CanariaCliDll").Value!;

    /// <summary>Runs <paramref name="executable"/> with the arguments; KUBECONFIG is set only when given, HOME points at an empty directory.</summary>
    public static Task<CliRun> RunAsync(string executable, string? kubeconfigEnv, params string[] args) => RunAsync(StartInfo(executable, kubeconfigEnv, args));

    /// <summary>Runs a prepared process to its end (at most two minutes, then killed) with its output made plain.</summary>
    public static async Task<CliRun> RunAsync(ProcessStartInfo info)
    {
        var executable = info.FileName;
        var args = info.ArgumentList;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {executable}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(RunTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(executable)} {string.Join(' ', args)} did not exit within {RunTimeout}: {await stdout}{await stderr}");
        }
        return new CliRun(process.ExitCode, Plain(await stdout), Plain(await stderr));
    }

    /// <summary>`canaria ARGS --kubeconfig FILE` (the explicit form).</summary>
    public static Task<CliRun> CanariaAsync(string kubeconfig, params string[] args) => RunAsync(Canaria, null, [.. args, "--kubeconfig", kubeconfig]);

    /// <summary>`kubectl canaria ARGS` with KUBECONFIG set, as kubectl would start the plugin.</summary>
    public static Task<CliRun> PluginAsync(string kubeconfig, params string[] args) => RunAsync(KubectlPlugin, kubeconfig, args);

    /// <summary>Starts a long-running command (e.g. status --watch) whose stdout lines are collected as they come.</summary>
    public static CliStream Start(string executable, string? kubeconfigEnv, params string[] args)
    {
        var process = new Process { StartInfo = StartInfo(executable, kubeconfigEnv, args) };
        var stream = new CliStream(process);
        process.OutputDataReceived += (_, e) => stream.Add(e.Data);
        process.ErrorDataReceived += (_, e) => stream.Add(e.Data);
        Assert.True(process.Start(), $"could not start {executable}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return stream;
    }

    private static ProcessStartInfo StartInfo(string executable, string? kubeconfigEnv, string[] args)
    {
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["NO_COLOR"] = "1";
        info.Environment["KUBECONFIG"] = kubeconfigEnv ?? "";
        info.Environment["KUBERNETES_SERVICE_HOST"] = "";
        info.Environment["HOME"] = EmptyHome.Value;
        info.Environment["CANARIA_STATE_DIR"] = Path.Combine(EmptyHome.Value, "state");
        return info;
    }

    private static readonly Lazy<string> EmptyHome = new(() => System.IO.Directory.CreateTempSubdirectory("canaria-cli-home-").FullName);

    private static string Plain(string text) => Styling().Replace(text, "");

    [GeneratedRegex(@"\x1b\[[0-9;]*[A-Za-z]")]
    private static partial Regex Styling();

    private static string Existing(string path)
    {
        Assert.True(File.Exists(path), $"{path} is missing: the build of src/Canaria.Cli did not produce it");
        return path;
    }
}
