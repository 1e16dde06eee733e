using System.Globalization;

namespace Canaria.SampleApp;

/// <summary>The sample app's HTTP endpoints.</summary>
internal static class SampleEndpoints
{
    private static readonly HashSet<string> KnownPaths =
        new(["/", "/healthz", "/echo", "/slow", "/stats", "/admin/unready", "/admin/ready"], StringComparer.Ordinal);

    public static void Map(WebApplication app, SampleState state)
    {
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path.Value ?? "/";
            state.CountServed(KnownPaths.Contains(path) ? path : "(other)");
            await next(context);
        });

        app.MapGet("/", (HttpContext context, CancellationToken ct) => RootAsync(context, state, ct));
        app.MapGet("/healthz", () => state.IsReady
            ? Results.Text("ok\n")
            : Results.Text(state.IsStarted ? "unready\n" : "starting\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        app.Map("/echo", EchoAsync);
        app.MapGet("/slow", async (int? ms, CancellationToken ct) =>
        {
            var delay = Math.Clamp(ms ?? 1000, 0, 600_000);
            await Task.Delay(delay, ct);
            return Results.Text($"slept {delay.ToString(CultureInfo.InvariantCulture)} ms\n");
        });
        app.MapGet("/stats", () => Results.Json(new { served = state.Served() }));
        app.MapPost("/admin/unready", () =>
        {
            state.SetUnready(true);
            return Results.Text("unready\n");
        });
        app.MapPost("/admin/ready", () =>
        {
            state.SetUnready(false);
            return Results.Text("ready\n");
        });
    }

    private static async Task<IResult> RootAsync(HttpContext context, SampleState state, CancellationToken ct)
    {
        var options = state.Options;
        if (state.CountApplicationRequest())
        {
            // crash once this response has been sent in full: the Nth request is still served
            context.Response.OnCompleted(() =>
            {
                state.TriggerCrash();
                return Task.CompletedTask;
            });
        }
        if (!state.IsStarted)
            return Results.Text("starting\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        var latency = options.LatencyMs + (options.LatencyJitterMs > 0 ? Random.Shared.Next(options.LatencyJitterMs + 1) : 0);
        if (latency > 0)
            await Task.Delay(latency, ct);
        context.Response.Headers["X-Sample-Version"] = options.Version;
        context.Response.Headers["X-Sample-Instance"] = options.Instance;
        if (options.ErrorRate > 0 && Random.Shared.NextDouble() < options.ErrorRate)
            return Results.Json(new { version = options.Version, instance = options.Instance, error = "injected error" }, statusCode: 500);
        return Results.Json(new { version = options.Version, instance = options.Instance });
    }

    private static async Task EchoAsync(HttpContext context)
    {
        if (context.Request.ContentType is { } contentType)
            context.Response.ContentType = contentType;
        await context.Request.Body.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
