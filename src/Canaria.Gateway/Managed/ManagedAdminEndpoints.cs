using System.Text.Json;
using Canaria.Gateway.Admin;
using Canaria.Gateway.Hosting;
using Canaria.Gateway.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Canaria.Gateway.Managed;

/// <summary>
/// The endpoints a controller uses on its managed gateway, besides the standard admin API: <c>GET /healthz</c>,
/// <c>GET /totals</c> (exact cumulative counts, read every controller tick) and <c>PUT /marks</c> (analysis baselines).
/// </summary>
internal static class ManagedAdminEndpoints
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapManagedGatewayAdmin(this IEndpointRouteBuilder endpoints, GatewayHost host, string token)
    {
        var group = endpoints.MapGroup("").AddEndpointFilter(async (ctx, next) =>
            AdminAuth.IsAuthorized(ctx.HttpContext.Request, token)
                ? await next(ctx).ConfigureAwait(false)
                : Results.Json(new { error = "a valid bearer token is required" }, statusCode: 401));
        group.MapGet("/healthz", () => Results.Json(new { instance = host.Runtime.Instance, pid = Environment.ProcessId, build = ManagedGatewayInfo.CurrentBuild, generation = host.Runtime.Generation }, Json));
        group.MapGet("/totals", () => Results.Json(Totals(host), Json));
        group.MapPut("/marks", async (HttpRequest request, CancellationToken ct) =>
        {
            MarkRequest? body;
            try
            {
                body = await JsonSerializer.DeserializeAsync<MarkRequest>(request.Body, Json, ct).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                return Results.Json(new { error = "the mark is not valid JSON: " + e.Message }, statusCode: 400);
            }

            if (body is null || string.IsNullOrEmpty(body.Key) || string.IsNullOrEmpty(body.Group) || body.Versions is null)
                return Results.Json(new { error = "a mark needs key, group, service and versions" }, statusCode: 400);
            var mark = host.Marks.Set(body.Key, body.Group, body.Service ?? "", body.Versions);
            return mark is null
                ? Results.Json(new { error = $"the gateway keeps at most {GatewayMarks.MaxMarks} marks" }, statusCode: 429)
                : Results.Json(mark, Json);
        });
        group.MapDelete("/marks/{group}", (string group) =>
        {
            host.Marks.Remove(group);
            return Results.NoContent();
        });
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
