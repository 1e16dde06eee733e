using System.Net;
using Canaria.Cli.Client;
using Canaria.Cli.Rendering;
using Spectre.Console;

namespace Canaria.Cli.Commands;

/// <summary>Runs one API call for a command and turns the answer into output and an exit code.</summary>
internal static class ApiCall
{
    public static async Task<int> RunAsync(string stateDir, Func<ApiClient, Task<ApiResponse>> call, Func<ApiResponse, int>? onOk = null)
    {
        using var client = ApiClient.Connect(stateDir, out var error);
        if (client is null)
        {
            Output.Error(error);
            return ExitCodes.Unreachable;
        }
        ApiResponse response;
        try
        {
            response = await call(client).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            Output.Error($"the controller does not answer ({e.Message}); is `canaria run` still running?");
            return ExitCodes.Unreachable;
        }
        if (response.Ok)
        {
            if (onOk is not null) return onOk(response);
            AnsiConsole.MarkupLine($"[green]{Markup.Escape(response.Body?["message"]?.GetValue<string>() ?? "done")}[/]");
            return ExitCodes.Ok;
        }
        return Failure(response);
    }

    public static int Failure(ApiResponse response)
    {
        var message = response.Body?["message"]?.GetValue<string>() ?? response.Body?["error"]?.GetValue<string>() ?? response.Text;
        Output.Error(message);
        if (response.Body?["errors"] is System.Text.Json.Nodes.JsonArray errors)
            foreach (var e in errors)
                Output.Error($"  {e?["field"]}: {e?["message"]}");
        return response.Status switch
        {
            HttpStatusCode.NotFound => ExitCodes.NotFound,
            HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest => ExitCodes.Invalid,
            HttpStatusCode.Unauthorized => ExitCodes.Unreachable,
            _ => ExitCodes.Refused,
        };
    }
}
