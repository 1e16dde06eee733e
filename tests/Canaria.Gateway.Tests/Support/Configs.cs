using Canaria.Gateway.Config;

namespace Canaria.Gateway.Tests.Support;

/// <summary>Small builders for test configs.</summary>
internal static class Configs
{
    public static GatewayConfig TwoVersions(string v1Endpoint, int w1, string v2Endpoint, int w2, Func<ServiceConfig, ServiceConfig>? customize = null)
    {
        var service = new ServiceConfig
        {
            Name = "shop",
            PathPrefix = "/",
            Versions =
            [
                new VersionConfig { Name = "v1", Weight = w1, Endpoints = [v1Endpoint] },
                new VersionConfig { Name = "v2", Weight = w2, Endpoints = [v2Endpoint] },
            ],
        };
        return new GatewayConfig
        {
            Listeners = [new ListenerConfig { Name = "main", Address = "127.0.0.1:0" }],
            Services = [customize is null ? service : customize(service)],
        };
    }

    public static GatewayConfig WithWeights(GatewayConfig config, int w1, int w2) => config with
    {
        Services =
        [
            config.Services[0] with
            {
                Versions =
                [
                    config.Services[0].Versions[0] with { Weight = w1 },
                    config.Services[0].Versions[1] with { Weight = w2 },
                ],
            },
        ],
    };
}
