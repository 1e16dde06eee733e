using System.Collections;
using Canaria.Local.Processes;

namespace Canaria.Local.Tests.Processes;

public sealed class ReplicaEnvironmentTests
{
    private static readonly Hashtable Controller = new()
    {
        ["PATH"] = "/usr/bin",
        ["HOME"] = "/root",
        ["LC_ALL"] = "C.UTF-8",
        ["DOTNET_ROOT"] = "/usr/share/dotnet",
        ["AWS_SECRET_ACCESS_KEY"] = "secret",
        ["PROM_TOKEN"] = "secret",
        ["HTTP_PROXY"] = "http://proxy:3128",
        ["PATHOLOGICAL"] = "x",
    };

    [Fact]
    public void Inherited_NoInheritEnv_OnlyAllowList()
    {
        var env = ReplicaEnvironment.Inherited(Controller, []);

        Assert.Equal(["DOTNET_ROOT", "HOME", "LC_ALL", "PATH"], env.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Inherited_InheritEnvNamesOne_AddsExactlyThatOne()
    {
        var env = ReplicaEnvironment.Inherited(Controller, ["HTTP_PROXY", "NOT_SET"]);

        Assert.Equal("http://proxy:3128", env["HTTP_PROXY"]);
        Assert.False(env.ContainsKey("NOT_SET"));
        Assert.False(env.ContainsKey("PROM_TOKEN"));
    }
}
