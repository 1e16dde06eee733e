using Canaria.Gateway.Config;
using Canaria.Gateway.Tests.Support;

namespace Canaria.Gateway.Tests.Routing;

public sealed class RuleRoutingTests
{
    private static async Task<string> ServedBy(HttpClient client, Action<HttpRequestMessage> setup, string path = "/")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        setup(request);
        using var response = await client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Rule_CookieRegexForTestUser_GoesToV2WhileOthersStayOnV1()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        var config = Configs.TwoVersions(v1.Address, 100, v2.Address, 0, s => s with
        {
            Rules = [new RuleConfig { Name = "test-user", Version = "v2", Headers = [new() { Name = "cookie", Regex = "^(.*?;)?(user=test-user)(;.*)?$" }] }],
        });
        await using var gw = await GatewayTestHost.StartAsync(config);

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("v2", await ServedBy(gw.Client, r => r.Headers.Add("Cookie", "user=test-user")));
            Assert.Equal("v2", await ServedBy(gw.Client, r => r.Headers.Add("Cookie", "a=b;user=test-user;c=d")));
            Assert.Equal("v1", await ServedBy(gw.Client, r => r.Headers.Add("Cookie", "user=someone")));
            Assert.Equal("v1", await ServedBy(gw.Client, _ => { }));
        }
    }

    [Fact]
    public async Task Rule_CookieByName_MatchesExactAndRegex()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        var config = Configs.TwoVersions(v1.Address, 100, v2.Address, 0, s => s with
        {
            Rules = [new RuleConfig { Name = "beta", Version = "v2", Cookies = [new() { Name = "group", Regex = "beta-[0-9]+" }] }],
        });
        await using var gw = await GatewayTestHost.StartAsync(config);

        Assert.Equal("v2", await ServedBy(gw.Client, r => r.Headers.Add("Cookie", "x=1; group=beta-42")));
        Assert.Equal("v1", await ServedBy(gw.Client, r => r.Headers.Add("Cookie", "group=beta-42x")));
    }

    [Fact]
    public async Task Rules_SeveralMatch_FirstInOrderWinsOverWeights()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        await using var v3 = await TestBackend.StartAsync("v3");
        var config = Configs.TwoVersions(v1.Address, 0, v2.Address, 100, s => s with
        {
            Versions = [.. s.Versions, new VersionConfig { Name = "v3", Weight = 0, Endpoints = [v3.Address] }],
            Rules =
            [
                new RuleConfig { Name = "internal", Version = "v3", Headers = [new() { Name = "x-team", Exact = "core" }] },
                new RuleConfig { Name = "mobile", Version = "v1", Headers = [new() { Name = "user-agent", Prefix = "Mobile" }] },
                new RuleConfig { Name = "preview", Version = "v3", Query = [new() { Name = "preview", Exact = "1" }] },
            ],
        });
        await using var gw = await GatewayTestHost.StartAsync(config);

        Assert.Equal("v3", await ServedBy(gw.Client, r => { r.Headers.Add("x-team", "core"); r.Headers.TryAddWithoutValidation("User-Agent", "Mobile/1"); }));
        Assert.Equal("v1", await ServedBy(gw.Client, r => r.Headers.TryAddWithoutValidation("User-Agent", "Mobile/1")));
        Assert.Equal("v3", await ServedBy(gw.Client, _ => { }, "/?preview=1"));
        Assert.Equal("v2", await ServedBy(gw.Client, r => r.Headers.Add("x-team", "core-x")));
    }

    [Fact]
    public async Task Sticky_ClientThatGotCanary_KeepsItUntilCanaryWeightIsZero()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        var config = Configs.TwoVersions(v1.Address, 50, v2.Address, 50, s => s with { Sticky = new StickyConfig { Enabled = true, CookieName = "cv" } });
        await using var gw = await GatewayTestHost.StartAsync(config);

        string? cookie = null;
        for (var i = 0; i < 100 && cookie is null; i++)
        {
            using var response = await gw.Client.GetAsync("/");
            if (response.Headers.TryGetValues("Set-Cookie", out var values))
            {
                cookie = values.Single().Split(';')[0];
                Assert.Equal("v2", await response.Content.ReadAsStringAsync());
            }
        }

        Assert.Equal("cv=v2", cookie);
        Assert.True(gw.Runtime.Apply(Configs.WithWeights(config, 99, 1)).Accepted);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal("v2", await ServedBy(gw.Client, r => r.Headers.Add("Cookie", cookie)));
        }

        Assert.True(gw.Runtime.Apply(Configs.WithWeights(config, 100, 0)).Accepted);
        Assert.Equal("v1", await ServedBy(gw.Client, r => r.Headers.Add("Cookie", cookie)));
    }
}
