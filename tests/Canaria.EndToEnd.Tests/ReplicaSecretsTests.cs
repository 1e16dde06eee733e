using System.Diagnostics;

namespace Canaria.EndToEnd.Tests;

/// <summary>
/// Secrets given to the controller (e.g. for an analysis check's `auth: {secretEnv: NAME}`) reach only what names
/// them: replicas get a clean environment, state files are the user's alone, and the API stays on loopback unless asked.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ReplicaSecretsTests : IDisposable
{
    private const string Secret = "s3cr3t-value-of-the-controller";
    private readonly RunProcessFixture _run = new();

    [Fact]
    public async Task Run_ControllerEnvironmentHoldsSecret_ReplicaEnvironHasOnlyAllowListSpecEnvAndInheritEnv()
    {
        var spec = RunProcessFixture.Spec("env", RunProcessFixture.FreePort(), replicas: 2,
            "    env: {FROM_SPEC: spec-value}\n    inheritEnv: [PASSED_ON]");
        var environment = new Dictionary<string, string>
        {
            ["CANARIA_TEST_SECRET"] = Secret,
            ["PROMETHEUS_TOKEN"] = Secret + "-2",
            ["PASSED_ON"] = "named-in-inheritEnv",
        };
        var (_, _, pids) = await _run.StartHealthyAsync("env", spec, environment);

        Assert.Equal(2, pids.Count);
        foreach (var pid in pids)
        {
            var environ = (await File.ReadAllTextAsync($"/proc/{pid}/environ")).Split('\0', StringSplitOptions.RemoveEmptyEntries)
                .Select(e => e.Split('=', 2)).ToDictionary(e => e[0], e => e.Length > 1 ? e[1] : "");
            Assert.DoesNotContain(environ, e => e.Value.Contains(Secret, StringComparison.Ordinal));
            Assert.False(environ.ContainsKey("CANARIA_TEST_SECRET"));
            Assert.False(environ.ContainsKey("PROMETHEUS_TOKEN"));
            Assert.Equal("named-in-inheritEnv", environ["PASSED_ON"]);
            Assert.Equal("spec-value", environ["FROM_SPEC"]);
            Assert.Equal(Environment.GetEnvironmentVariable("PATH"), environ["PATH"]);
            Assert.True(environ.ContainsKey("CANARIA_PORT"));
            var unexpected = environ.Keys.Where(k => !IsExpected(k)).ToList();
            Assert.True(unexpected.Count == 0, $"replica {pid} inherited {string.Join(", ", unexpected)}");
        }
    }

    [Fact]
    public async Task Run_WithRunningReplicas_StateFilesAreUserOnlyUnderUmask022()
    {
        var (_, _, pids) = await _run.StartHealthyAsync("modes", RunProcessFixture.Spec("modes", RunProcessFixture.FreePort(), replicas: 1));
        Assert.Single(pids);
        const UnixFileMode Dir = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        const UnixFileMode File600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var dir = _run.StateDir;

        Assert.Equal(Dir, File.GetUnixFileMode(dir));
        foreach (var name in (string[])["canaria.db", "canaria.db-wal", "canaria.db-shm", "token", "controller.json", "controller.lock"])
        {
            var path = Path.Combine(dir, name);
            Assert.True(File.Exists(path), $"{name} is missing");
            Assert.True(File.GetUnixFileMode(path) == File600, $"{name} is {File.GetUnixFileMode(path)}, not 0600");
        }
        foreach (var folder in Directory.GetDirectories(dir, "*", SearchOption.AllDirectories))
            Assert.True(File.GetUnixFileMode(folder) == Dir, $"{folder} is {File.GetUnixFileMode(folder)}, not 0700");
        var logs = Directory.GetFiles(Path.Combine(dir, "logs"), "*.log", SearchOption.AllDirectories);
        Assert.NotEmpty(logs);
        Assert.All(logs, log => Assert.True(File.GetUnixFileMode(log) == File600, $"{log} is {File.GetUnixFileMode(log)}, not 0600"));
        Assert.All(Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("rollout.yaml", StringComparison.Ordinal)),
            f => Assert.True((File.GetUnixFileMode(f) & ~File600) == 0, $"{f} is {File.GetUnixFileMode(f)}: readable by others"));
    }

    [Theory]
    [InlineData("run", "--api", "0.0.0.0:0", "--allow-remote-api")]
    [InlineData("run", "--api", "[::]:0", "--allow-remote-api")]
    [InlineData("gateway", "--admin", "0.0.0.0:0", "--allow-remote-admin")]
    public async Task Command_NonLoopbackAddressWithoutFlag_RefusedWithExit2NamingTheFlag(string command, string option, string address, string flag)
    {
        var config = Path.Combine(_run.StateDir, "gateway.yaml");
        await File.WriteAllTextAsync(config, "listeners: []\nroutes: []\n");
        string[] args = command == "run" ? ["run", option, address, "--state-dir", _run.StateDir] : ["gateway", "--config", config, option, address];
        var process = CliProcess.Start(_run.Controllers, args);
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), $"{command} {option} {address} did not exit");
        process.WaitForExit();
        Assert.Equal(2, process.ExitCode);
        Assert.Contains(flag, CliProcess.Output(process), StringComparison.Ordinal);
        Assert.Contains(address, CliProcess.Output(process), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_run.StateDir, "controller.json")), "a controller started anyway");
    }

    [Fact]
    public async Task Run_NonLoopbackApiWithFlag_StartsAndWarns()
    {
        var controller = CliProcess.Start(_run.Controllers, "run", "--api", "0.0.0.0:0", "--allow-remote-api", "--state-dir", _run.StateDir);
        using var api = await _run.ConnectAsync(controller);
        using var response = await api.GetAsync("rollouts");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("warning: the controller API listens on 0.0.0.0:0", CliProcess.Output(controller), StringComparison.Ordinal);
    }

    private static bool IsExpected(string name) =>
        name.StartsWith("CANARIA_", StringComparison.Ordinal) || name.StartsWith("LC_", StringComparison.Ordinal) || name.StartsWith("DOTNET_ROOT", StringComparison.Ordinal)
        || name is "PATH" or "HOME" or "USER" or "LOGNAME" or "SHELL" or "LANG" or "TZ" or "TMPDIR" or "FROM_SPEC" or "PASSED_ON"
        || name == "PWD"; // set by the /bin/sh that execs the replica, not inherited

    public void Dispose() => _run.Dispose();
}
