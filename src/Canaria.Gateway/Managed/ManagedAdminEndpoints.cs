using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Canaria.Gateway.Admin;
using Canaria.Gateway.Config;
using Canaria.Gateway.Hosting;
using Canaria.Gateway.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Canaria.Gateway.Managed;

/// <summary>
/// The endpoints a controller uses on its managed gateway, besides the standard admin API: <c>GET /healthz</c>,
/// <c>GET /totals</c> (exact cumulative counts, read every controller tick) and <c>PUT /marks</c> (analysis baselines).
/// Plain request delegates with generated JSON code, so they need no reflection (Native AOT).
/// </summary>
internal static class ManagedAdminEndpoints
{
    /// <summary>The JSON options of these endpoints (ASP.NET's web defaults), for clients that read them.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly GatewayJsonContext Context = new(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static void MapManagedGatewayAdmin(this IEndpointRouteBuilder endpoints, GatewayHost host, string token)
    {
        RequestDelegate Guard(RequestDelegate next) => context => AdminAuth.IsAuthorized(context.Request, token)
            ? next(context)
            : WriteAsync(context, 401, new AdminError("a valid bearer token is required"), Context.AdminError);

        endpoints.MapGet("/healthz", Guard(context => WriteAsync(context, 200,
            new ManagedHealthReply(host.Runtime.Instance, Environment.ProcessId, ManagedGatewayInfo.CurrentBuild, host.Runtime.Generation), Context.ManagedHealthReply)));
        endpoints.MapGet("/totals", Guard(context => WriteAsync(context, 200, Totals(host), Context.GatewayTotalsReply)));
        endpoints.MapPut("/marks", Guard(context => PutMarkAsync(context, host)));
        endpoints.MapDelete("/marks/{group}", Guard(context =>
        {
            host.Marks.Remove((string)context.Request.RouteValues["group"]!);
            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        }));
    }

    private static async Task PutMarkAsync(HttpContext context, GatewayHost host)
    {
        MarkRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(context.Request.Body, Context.MarkRequest, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await WriteAsync(context, 400, new AdminError("the mark is not valid JSON: " + e.Message), Context.AdminError).ConfigureAwait(false);
            return;
        }

        if (body is null || string.IsNullOrEmpty(body.Key) || string.IsNullOrEmpty(body.Group) || body.Versions is null)
        {
            await WriteAsync(context, 400, new AdminError("a mark needs key, group, service and versions"), Context.AdminError).ConfigureAwait(false);
            return;
        }

        var mark = host.Marks.Set(body.Key, body.Group, body.Service ?? "", body.Versions);
        await (mark is null
            ? WriteAsync(context, 429, new AdminError($"the gateway keeps at most {GatewayMarks.MaxMarks} marks"), Context.AdminError)
            : WriteAsync(context, 200, mark, Context.GatewayMark)).ConfigureAwait(false);
    }

    private static Task WriteAsync<T>(HttpContext context, int status, T value, JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted);
    }

    private static GatewayTotalsReply Totals(GatewayHost host) => new(
        host.Runtime.Instance,
        Environment.ProcessId,
        host.Runtime.Generation,
        host.Runtime.Signals.Time.GetUtcNow(),
        host.ListenerAddresses.ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal),
        [.. host.Runtime.Signals.Recorders.Select(VersionTotals.Of)],
        host.Marks.All);
}
