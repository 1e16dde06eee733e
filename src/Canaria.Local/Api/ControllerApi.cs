using Canaria.Core.Engine;
using Canaria.Core.Serialization;
using Canaria.Core.Validation;
using Canaria.Gateway.Admin;
using Canaria.Gateway.Metrics;
using Canaria.Local.Controller;
using Canaria.Local.Dashboard.Login;
using Canaria.Local.Gateway;
using Canaria.Local.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Canaria.Local.Api;

/// <summary>
/// The controller's HTTP API under /api/v1, used by the `canaria` CLI. Every endpoint, /metrics included,
/// needs the bearer token from the state directory.
/// </summary>
internal static class ControllerApi
{
    private const int MaxSpecBytes = 1024 * 1024;

    public static void MapControllerApi(this IEndpointRouteBuilder app, LocalController controller, StateStore store, string token, DashboardLoginCodes loginCodes)
    {
        var api = app.MapGroup("/api/v1").AddEndpointFilter(async (ctx, next) =>
            AdminAuth.IsAuthorized(ctx.HttpContext.Request, token)
                ? await next(ctx).ConfigureAwait(false)
                : Reply(ControllerReply.Refused("a valid bearer token is required (see the token file in the state directory)"), 401))
            .AddEndpointFilter(async (ctx, next) =>
            {
                try
                {
                    return await next(ctx).ConfigureAwait(false);
                }
                catch (Exception e) when (StoreFailures.IsStoreFailure(e))
                {
                    // A read of history or revisions the store cannot answer: 503 with the reason, never an empty 500.
                    return Reply(ControllerReply.StoreUnavailable(StoreFailures.Describe(e, store.DatabasePath)));
                }
            });

        // A one-time code for a dashboard login link (`canaria dashboard` prints it), so the token itself never goes into a URL.
        api.MapPost("/dashboard/login-codes", () => Results.Json(new { code = loginCodes.Issue(), expiresIn = (int)DashboardLoginCodes.Lifetime.TotalSeconds }));
        api.MapGet("/orphans", () => Json(controller.Orphans.Select(o => new
        {
            o.SetKey,
            Replicas = o.Replicas.Select(x => new { x.Index, x.Pid, x.Port, State = x.State.ToString(), x.LogPath }),
        })));
        api.MapGet("/rollouts", () => Json(controller.Views.Values.OrderBy(v => v.Name, StringComparer.Ordinal)));
        api.MapGet("/rollouts/{name}", (string name) =>
            controller.Views.TryGetValue(name, out var view) ? Json(view) : Reply(ControllerReply.Missing(name)));
        api.MapPut("/rollouts", async (HttpRequest request, CancellationToken ct) =>
        {
            var body = await BoundedBody.ReadAsync(request, MaxSpecBytes, ct).ConfigureAwait(false);
            if (body.TooLarge)
                return Reply(ControllerReply.Invalid([new FieldError("(document)", $"is larger than 1 MiB ({MaxSpecBytes} bytes): nothing past that was read")]), 413);
            return Reply(await controller.ApplyAsync(body.Text!, ct).ConfigureAwait(false));
        });
        api.MapDelete("/rollouts/{name}", async (string name, CancellationToken ct) => Reply(await controller.DeleteAsync(name, ct).ConfigureAwait(false)));

        api.MapPost("/rollouts/{name}/promote", async (string name, bool? full, CancellationToken ct) =>
            Reply(await controller.CommandAsync(name, new RolloutCommand(full == true ? CommandKind.PromoteFull : CommandKind.Promote), ct).ConfigureAwait(false)));
        foreach (var (path, kind) in new[] { ("pause", CommandKind.Pause), ("resume", CommandKind.Resume), ("abort", CommandKind.Abort), ("retry", CommandKind.Retry) })
            api.MapPost($"/rollouts/{{name}}/{path}", async (string name, CancellationToken ct) =>
                Reply(await controller.CommandAsync(name, new RolloutCommand(kind), ct).ConfigureAwait(false)));
        api.MapPost("/rollouts/{name}/jump", async (string name, int step, CancellationToken ct) =>
            Reply(await controller.CommandAsync(name, new RolloutCommand(CommandKind.Jump, step - 1), ct).ConfigureAwait(false)));
        api.MapPost("/rollouts/{name}/undo", async (string name, int? toRevision, CancellationToken ct) =>
            Reply(await controller.UndoAsync(name, toRevision, ct).ConfigureAwait(false)));

        api.MapGet("/rollouts/{name}/history", (string name, int? limit, long? since) =>
            Json(store.ListEvents(name, Math.Clamp(limit ?? 200, 1, 10_000), since)));
        api.MapGet("/rollouts/{name}/revisions", (string name) =>
        {
            var status = controller.Views.TryGetValue(name, out var view) ? view.Status : null;
            return Json(store.ListRevisions(name).Select(r => new
            {
                r.Number, RevisionTemplates.Deserialize(r.TemplateJson).Version, r.CreatedAt, r.TemplateHash,
                Role = r.Number == status?.StableRevision || r.Number == status?.CanaryRevision ? RolloutViews.Role(status, r.Number) : null,
            }));
        });
        api.MapGet("/rollouts/{name}/stat", async (string name, string? window, CancellationToken ct) =>
        {
            if (!controller.Views.TryGetValue(name, out var view)) return Reply(ControllerReply.Missing(name));
            if (!Durations.TryParse(window ?? "10s", out var span) || span <= TimeSpan.Zero || span > TimeSpan.FromMinutes(1))
                return Reply(new ControllerReply(false, $"window '{window}' must be a duration up to 1m (e.g. 10s)", [new FieldError("window", "must be a duration up to 1m (e.g. 10s)")]), 400);
            var signals = await controller.Gateway.Client.SignalsAsync(span, "", ct).ConfigureAwait(false);
            if (signals is null)
                return Results.Json(new { error = "the gateway process did not answer: " + controller.Gateway.Client.LastError }, statusCode: 503);
            var rows = StatRows.Of(view, name, signals);
            return Json(new { rollout = name, window = Durations.Format(span), versions = rows });
        });
        api.MapGet("/metrics", async (CancellationToken ct) =>
            await controller.Gateway.Client.MetricsAsync(ct).ConfigureAwait(false) is { } text
                ? Results.Text(text, PrometheusExporter.ContentType)
                : Results.Json(new { error = "the gateway process did not answer: " + controller.Gateway.Client.LastError }, statusCode: 503));
        api.MapPost("/gateway/restart", async (CancellationToken ct) =>
            Reply(await controller.ReplaceGatewayAsync(ct).ConfigureAwait(false)));
    }

    private static IResult Json(object value) => Results.Json(value, CoreJson.Options);

    private static IResult Reply(ControllerReply reply, int? status = null) => Results.Json(reply, CoreJson.Options, statusCode: status ?? StatusOf(reply));

    /// <summary>The HTTP status of a controller's answer: 200, 404 no such rollout, 503 store failing, 422 invalid, else 409 refused.</summary>
    public static int StatusOf(ControllerReply reply) => reply switch
    {
        { Ok: true } => 200,
        { NotFound: true } => 404,
        { Unavailable: true } => 503,
        { Errors.Count: > 0 } => 422,
        _ => 409,
    };
}

/// <summary>One version's golden signals; <c>ClientErrors</c> (requests the client broke) are not part of <c>Requests</c> or the success rate.</summary>
internal sealed record StatRow(string Version, long Requests, long Failures, double? SuccessRate, double Rps, double? P50Ms, double? P95Ms, double? P99Ms, long ClientErrors)
{
    /// <summary>stable, canary, previous, mirror (copies of the stable's requests), or gateway (answered by the gateway itself).</summary>
    public string Role { get; init; } = "";

    /// <summary>Percent of the weighted traffic as applied (for a mirror row: percent of the stable's requests copied).</summary>
    public int Weight { get; init; }

    /// <summary>The weight as shown: "90%", "750 (75%)" for written weights, "-" for the gateway's own answers.</summary>
    public string WeightText { get; init; } = "";
}
