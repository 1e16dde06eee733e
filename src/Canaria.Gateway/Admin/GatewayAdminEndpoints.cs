using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Canaria.Gateway.Config;
using Canaria.Gateway.Hosting;
using Canaria.Gateway.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Canaria.Gateway.Admin;

/// <summary>
/// The admin API: <c>GET/PUT /config</c>, <c>GET /signals?window=10s[&amp;service=..]</c>, <c>GET /metrics</c>.
/// Map it on the gateway's own admin listener or on any host (e.g. the rollout controller's API).
/// </summary>
internal static class GatewayAdminEndpoints
{
    public static IEndpointRouteBuilder MapCanariaGatewayAdmin(this IEndpointRouteBuilder endpoints, GatewayRuntime runtime, GatewayAdminOptions options, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet(prefix + "/config", Guard(options, false, ctx => WriteJsonAsync(ctx, 200, runtime.Current, GatewayConfigJson.Indented.GatewayConfig)));
        endpoints.MapPut(prefix + "/config", Guard(options, false, ctx => PutConfigAsync(ctx, runtime, options)));
        endpoints.MapGet(prefix + "/signals", Guard(options, false, ctx => GetSignalsAsync(ctx, runtime.Signals)));
        endpoints.MapGet(prefix + "/metrics", Guard(options, options.AllowAnonymousMetrics, ctx =>
        {
            ctx.Response.ContentType = PrometheusExporter.ContentType;
            return ctx.Response.WriteAsync(PrometheusExporter.Render(runtime.Signals), ctx.RequestAborted);
        }));
        return endpoints;
    }

    private static RequestDelegate Guard(GatewayAdminOptions options, bool anonymous, RequestDelegate next) => context =>
    {
        if (anonymous || AdminAuth.IsAuthorized(context.Request, options.Token))
        {
            return next(context);
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        return WriteErrorAsync(context, 401, "a valid bearer token is required");
    };

    private static async Task PutConfigAsync(HttpContext context, GatewayRuntime runtime, GatewayAdminOptions options)
    {
        var body = await BoundedBody.ReadAsync(context.Request, options.MaxConfigBytes, context.RequestAborted).ConfigureAwait(false);
        if (body.TooLarge)
        {
            await WriteErrorAsync(context, 413, $"config larger than {options.MaxConfigBytes} bytes").ConfigureAwait(false);
            return;
        }

        var parsed = GatewayConfigLoader.Parse(body.Text!);
        if (parsed.Config is null)
        {
            await WriteJsonAsync(context, 400, ConfigApplyResult.Rejected(parsed.Errors), GatewayConfigJson.Indented.ConfigApplyResult).ConfigureAwait(false);
            return;
        }

        var result = await runtime.ApplyAsync(parsed.Config, context.RequestAborted).ConfigureAwait(false);
        await WriteJsonAsync(context, result.Accepted ? 200 : 422, result, GatewayConfigJson.Indented.ConfigApplyResult).ConfigureAwait(false);
    }

    private static Task GetSignalsAsync(HttpContext context, GoldenSignals signals)
    {
        var windowText = context.Request.Query["window"].ToString();
        var window = TimeSpan.FromSeconds(10);
        if (windowText.Length > 0 && !Duration.TryParse(windowText, out window))
        {
            return WriteErrorAsync(context, 400, $"window '{windowText}' is not a duration (e.g. 10s, 1m)");
        }

        var service = context.Request.Query["service"].ToString();
        var all = signals.QueryAll(window);
        var selected = service.Length == 0 ? all : all.Where(s => s.Service == service).ToList();
        return WriteJsonAsync(context, 200, selected, GatewayConfigJson.Indented.IReadOnlyListVersionSignals);
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string error) =>
        WriteJsonAsync(context, status, new AdminError(error), GatewayConfigJson.Indented.AdminError);

    private static Task WriteJsonAsync<T>(HttpContext context, int status, T value, JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted);
    }
}
