using System.Text.Json;
using Canaria.Cli.Client;
using Canaria.Cli.Commands;
using Canaria.Core.Serialization;
using Canaria.Local.Controller;

namespace Canaria.Cli.Load;

/// <summary>Where `canaria load` sends its requests: a URL as given, or a local rollout's listener from its controller.</summary>
internal static class LoadTarget
{
    /// <summary>The request for <paramref name="target"/>, or an exit code after printing why there is none.</summary>
    public static async Task<(LoadRequest? Request, int Exit)> ResolveAsync(string target, string stateDir, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken ct)
    {
        if (target.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(target, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.UserInfo.Length > 0)
            {
                Rendering.Output.Error($"{target}: not an http:// or https:// URL without user:password@");
                return (null, ExitCodes.Invalid);
            }
            return (new LoadRequest(url, Headers: headers), ExitCodes.Ok);
        }

        LoadRequest? request = null;
        var exit = await ApiCall.RunAsync(stateDir, c => c.GetAsync($"rollouts/{Uri.EscapeDataString(target)}", ct), response =>
        {
            var view = JsonSerializer.Deserialize<RolloutView>(response.Text, CoreJson.Options)!;
            if (view.ListenAddress is null)
            {
                Rendering.Output.Error($"rollout {target} has no listener on the gateway yet (is its spec valid? see `canaria get {target}`)");
                return ExitCodes.Refused;
            }
            var service = RolloutYaml.Parse(view.Spec).Document?.Spec.Service;
            var path = service?.PathPrefix is { Length: > 0 } prefix ? prefix : "/";
            request = new LoadRequest(new Uri($"http://{view.ListenAddress}{(path.StartsWith('/') ? path : "/" + path)}"),
                service?.VersionHeader is { Length: > 0 } header ? header : "x-canaria-version",
                service?.Hosts.FirstOrDefault(h => !h.Contains('*', StringComparison.Ordinal)), headers);
            return ExitCodes.Ok;
        }).ConfigureAwait(false);
        return (request, exit);
    }
}
