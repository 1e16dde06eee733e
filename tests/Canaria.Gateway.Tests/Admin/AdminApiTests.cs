using System.Net;
using System.Text;
using System.Text.Json;
using Canaria.Gateway.Tests.Support;

namespace Canaria.Gateway.Tests.Admin;

public sealed class AdminApiTests
{
    [Fact]
    public async Task Admin_NoOrWrongToken_Answers401()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var gw = await GatewayTestHost.StartAsync(Configs.TwoVersions(v1.Address, 1, v1.Address, 0));
        using var anonymous = new HttpClient { BaseAddress = gw.Host.AdminAddress };

        Assert.Equal("127.0.0.1", gw.Host.AdminAddress!.Host);
        foreach (var path in new[] { "/config", "/signals", "/metrics" })
        {
            using var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using var wrong = new HttpRequestMessage(HttpMethod.Put, "/config") { Content = new StringContent("{}") };
        wrong.Headers.Authorization = new("Bearer", "nope");
        using var rejected = await anonymous.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        Assert.Equal(1, gw.Runtime.Generation);
    }

    [Fact]
    public async Task PutConfig_ValidYaml_AppliesAndGetConfigShowsIt()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        await using var gw = await GatewayTestHost.StartAsync(Configs.TwoVersions(v1.Address, 1, v2.Address, 0));
        var yaml = $"""
            listeners: [{"{"}name: main, address: "127.0.0.1:0"{"}"}]
            services:
              - name: shop
                versions:
                  - {"{"}name: v1, weight: 0, endpoints: ["{v1.Address}"]{"}"}
                  - {"{"}name: v2, weight: 1, endpoints: ["{v2.Address}"]{"}"}
            """;

        using var put = await gw.Admin.PutAsync("/config", new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        Assert.Equal("v2", await gw.Client.GetStringAsync("/"));
        using var config = JsonDocument.Parse(await gw.Admin.GetStringAsync("/config"));
        Assert.Equal(1, config.RootElement.GetProperty("services")[0].GetProperty("versions")[1].GetProperty("weight").GetInt32());
    }

    [Fact]
    public async Task PutConfig_Invalid_Answers422WithFieldsAndKeepsLiveConfig()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var gw = await GatewayTestHost.StartAsync(Configs.TwoVersions(v1.Address, 1, v1.Address, 0));
        var json = """{"listeners":[{"name":"main","address":"127.0.0.1:0"}],"services":[{"name":"shop","versions":[{"name":"v1","weight":-3,"endpoints":["nohost"]}]}]}""";

        using var put = await gw.Admin.PutAsync("/config", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, put.StatusCode);
        var body = await put.Content.ReadAsStringAsync();
        Assert.Contains("services[0].versions[0].weight", body, StringComparison.Ordinal);
        Assert.Contains("services[0].versions[0].endpoints[0]", body, StringComparison.Ordinal);
        Assert.Equal("v1", await gw.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task GetSignals_AfterTraffic_ReturnsPerVersionJson()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var gw = await GatewayTestHost.StartAsync(Configs.TwoVersions(v1.Address, 1, v1.Address, 0));
        await gw.SendManyAsync(25, concurrency: 2);

        using var doc = JsonDocument.Parse(await gw.Admin.GetStringAsync("/signals?window=1m&service=shop"));

        var v1Row = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("version").GetString() == "v1");
        Assert.Equal(25, v1Row.GetProperty("requests").GetInt64());
        Assert.Equal(1.0, v1Row.GetProperty("successRate").GetDouble());
        Assert.Equal("60s", v1Row.GetProperty("window").GetString());
        Assert.True(v1Row.GetProperty("p99Ms").GetDouble() > 0);
        using var bad = await gw.Admin.GetAsync("/signals?window=forever");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task GetMetrics_WithToken_ServesPrometheusText()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var gw = await GatewayTestHost.StartAsync(Configs.TwoVersions(v1.Address, 1, v1.Address, 0));
        await gw.SendManyAsync(5, concurrency: 1);

        using var response = await gw.Admin.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        Assert.Contains("canaria_gateway_requests_total{service=\"shop\",version=\"v1\",code_class=\"2xx\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("canaria_gateway_request_duration_seconds_count{service=\"shop\",version=\"v1\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("canaria_gateway_success_rate{service=\"shop\",version=\"v1\",window=\"10s\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigFile_Changed_IsReloadedAndBadEditsAreIgnored()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        var dir = Directory.CreateTempSubdirectory("canaria-gw-");
        var file = Path.Combine(dir.FullName, "gateway.yaml");
        string Yaml(int w1, int w2) => $"""
            listeners: [{"{"}name: main, address: "127.0.0.1:0"{"}"}]
            services:
              - name: shop
                versions:
                  - {"{"}name: v1, weight: {w1}, endpoints: ["{v1.Address}"]{"}"}
                  - {"{"}name: v2, weight: {w2}, endpoints: ["{v2.Address}"]{"}"}
            """;
        await File.WriteAllTextAsync(file, Yaml(1, 0));
        var initial = Canaria.Gateway.Config.GatewayConfigLoader.Parse(Yaml(1, 0)).Config!;
        await using var gw = await GatewayTestHost.StartAsync(initial, configFile: file);

        await File.WriteAllTextAsync(file, Yaml(-1, 1));
        await File.WriteAllTextAsync(file, Yaml(0, 1));
        await Wait.UntilAsync(() => gw.Runtime.Current.Services[0].Versions[1].Weight == 1, TimeSpan.FromSeconds(10), "the file change to apply");
        Assert.Equal("v2", await gw.Client.GetStringAsync("/"));

        await File.WriteAllTextAsync(file, "services: [ broken");
        await File.WriteAllTextAsync(file, Yaml(3, 1));
        await Wait.UntilAsync(() => gw.Runtime.Current.Services[0].Versions[0].Weight == 3, TimeSpan.FromSeconds(10), "the watcher to survive a broken file");
        dir.Delete(recursive: true);
    }
}
