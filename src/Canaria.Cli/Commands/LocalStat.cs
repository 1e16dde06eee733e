using System.Globalization;
using System.Text.Json.Nodes;
using Canaria.Cli.Client;
using Canaria.Cli.Rendering;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Canaria.Cli.Commands;

/// <summary>`canaria stat` on the local platform: the gateway's golden signals per version, once or refreshed (--watch).</summary>
internal static class LocalStat
{
    /// <summary>How often --watch asks again.</summary>
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(string stateDir, string name, string window, string output, bool watch, CancellationToken ct)
    {
        var path = $"rollouts/{Uri.EscapeDataString(name)}/stat?window={Uri.EscapeDataString(window)}";
        if (!watch) return await ApiCall.RunAsync(stateDir, c => c.GetAsync(path, ct), response => Print(response, output)).ConfigureAwait(false);

        using var client = ApiClient.Connect(stateDir, out var error);
        if (client is null)
        {
            Output.Error(error);
            return ExitCodes.Unreachable;
        }
        try
        {
            if (output == "json") return await WatchJsonAsync(client, path, ct).ConfigureAwait(false);
            var code = ExitCodes.Ok;
            await AnsiConsole.Live(new Text("connecting...")).StartAsync(async live =>
            {
                while (true)
                {
                    var response = await client.GetAsync(path, ct).ConfigureAwait(false);
                    if (!response.Ok)
                    {
                        code = ApiCall.Failure(response);
                        return;
                    }
                    live.UpdateTarget(Render(response.Body!));
                    await Task.Delay(Refresh, ct).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
            return code;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Ok; // Ctrl-C ends a watch normally
        }
    }

    /// <summary>One compact JSON line per refresh, until Ctrl-C (for scripts: `canaria stat web -w -o json | jq`).</summary>
    private static async Task<int> WatchJsonAsync(ApiClient client, string path, CancellationToken ct)
    {
        while (true)
        {
            var response = await client.GetAsync(path, ct).ConfigureAwait(false);
            if (!response.Ok) return ApiCall.Failure(response);
            Console.WriteLine(response.Body!.ToJsonString());
            await Task.Delay(Refresh, ct).ConfigureAwait(false);
        }
    }

    private static int Print(ApiResponse response, string output)
    {
        if (output == "json")
        {
            Console.WriteLine(response.Text);
            return ExitCodes.Ok;
        }
        AnsiConsole.Write(Render(response.Body!));
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The table (narrow enough for a 100-column pipe): WEIGHT as the gateway applies it (for a mirror row: the share of
    /// the stable's requests copied); P50/P95/P99 are latencies;
    /// CLIENT_ERRORS are requests the client broke (bad framing, aborts, the gateway's own 404s), not in REQUESTS or SUCCESS.
    /// </summary>
    public static IRenderable Render(JsonNode body)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("VERSION", "WEIGHT", "REQUESTS", "SUCCESS", "RPS", "P50", "P95", "P99", "CLIENT_ERRORS");
        foreach (var v in body["versions"]!.AsArray())
        {
            string Ms(string key) => v![key] is { } n ? $"{n.GetValue<double>():0.#}ms" : "-";
            var success = v!["successRate"] is { } s ? $"{s.GetValue<double>() * 100:0.00}%" : "-";
            table.AddRow(Markup.Escape((string?)v["version"] ?? "?"), Markup.Escape((string?)v["weightText"] ?? "-"),
                v["requests"]!.ToString(), success, v["rps"]!.GetValue<double>().ToString("0.0", CultureInfo.InvariantCulture),
                Ms("p50Ms"), Ms("p95Ms"), Ms("p99Ms"), v["clientErrors"]?.ToString() ?? "0");
        }
        return new Rows(new Markup($"window {Markup.Escape((string?)body["window"] ?? "?")}"), table);
    }
}
