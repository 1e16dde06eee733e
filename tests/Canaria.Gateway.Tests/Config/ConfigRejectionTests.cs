using System.Net;
using System.Net.Sockets;
using Canaria.Gateway.Config;
using Canaria.Gateway.Tests.Support;

namespace Canaria.Gateway.Tests.Config;

public sealed class ConfigRejectionTests : IAsyncLifetime
{
    private TestBackend _v1 = null!;
    private TestBackend _v2 = null!;
    private GatewayTestHost _gw = null!;
    private GatewayConfig _good = null!;

    public async Task InitializeAsync()
    {
        _v1 = await TestBackend.StartAsync("v1");
        _v2 = await TestBackend.StartAsync("v2");
        _good = Configs.TwoVersions(_v1.Address, 90, _v2.Address, 10);
        _gw = await GatewayTestHost.StartAsync(_good);
    }

    public async Task DisposeAsync()
    {
        await _gw.DisposeAsync();
        await _v1.DisposeAsync();
        await _v2.DisposeAsync();
    }

    private async Task AssertRejectedAsync(GatewayConfig bad, string field, string messagePart)
    {
        var before = _gw.Runtime.Snapshot;

        var result = _gw.Runtime.Apply(bad);

        Assert.False(result.Accepted);
        Assert.Contains(result.Errors, e => e.Field == field && e.Message.Contains(messagePart, StringComparison.OrdinalIgnoreCase));
        Assert.Same(before, _gw.Runtime.Snapshot);
        Assert.Same(_good, _gw.Runtime.Current);
        var (_, byStatus) = await _gw.SendManyAsync(10, concurrency: 1);
        Assert.Equal(10, byStatus[HttpStatusCode.OK]);
    }

    [Fact]
    public Task Apply_RuleWithUnknownVersion_RejectedNamingField() =>
        AssertRejectedAsync(
            _good with { Services = [_good.Services[0] with { Rules = [new RuleConfig { Name = "r", Version = "v9", Headers = [new() { Name = "x", Exact = "1" }] }] }] },
            "services[0].rules[0].version",
            "unknown version 'v9'");

    [Fact]
    public Task Apply_NegativeWeight_RejectedNamingField() =>
        AssertRejectedAsync(Configs.WithWeights(_good, 90, -1), "services[0].versions[1].weight", "0 or more");

    [Fact]
    public Task Apply_BadRegex_RejectedNamingField() =>
        AssertRejectedAsync(
            _good with { Services = [_good.Services[0] with { Rules = [new RuleConfig { Name = "r", Version = "v2", Cookies = [new() { Name = "user", Regex = "(unclosed" }] }] }] },
            "services[0].rules[0].cookies[0].regex",
            "invalid regex");

    [Fact]
    public Task Apply_DuplicateVersionNames_RejectedNamingField() =>
        AssertRejectedAsync(
            _good with { Services = [_good.Services[0] with { Versions = [_good.Services[0].Versions[0], _good.Services[0].Versions[1] with { Name = "v1" }] }] },
            "services[0].versions[1].name",
            "duplicate version name 'v1'");

    [Fact]
    public Task Apply_DuplicateServiceNames_RejectedNamingField() =>
        AssertRejectedAsync(
            _good with { Services = [_good.Services[0], _good.Services[0] with { PathPrefix = "/other" }] },
            "services[1].name",
            "duplicate service name");

    [Fact]
    public async Task Apply_UnbindableListenerAddress_RejectedNamingFieldAndNothingBound()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = $"127.0.0.1:{((IPEndPoint)squatter.LocalEndpoint).Port}";

        await AssertRejectedAsync(
            _good with { Listeners = [.. _good.Listeners, new ListenerConfig { Name = "extra", Address = taken }] },
            "listeners[1].address",
            "cannot bind");
        Assert.False(_gw.Host.ListenerAddresses.ContainsKey("extra"));
    }

    [Fact]
    public Task Apply_SeveralErrors_ReportsEachOne()
    {
        var bad = Configs.WithWeights(_good, -5, -1);
        var result = _gw.Runtime.Apply(bad);

        Assert.False(result.Accepted);
        Assert.Contains(result.Errors, e => e.Field == "services[0].versions[0].weight");
        Assert.Contains(result.Errors, e => e.Field == "services[0].versions[1].weight");
        return Task.CompletedTask;
    }
}
