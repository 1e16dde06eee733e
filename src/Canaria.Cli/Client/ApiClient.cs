using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Canaria.Local.Api;
using Canaria.Local.State;

namespace Canaria.Cli.Client;

/// <summary>An answer from the controller API: status code and JSON body.</summary>
internal sealed record ApiResponse(HttpStatusCode Status, JsonNode? Body, string Text)
{
    public bool Ok => (int)Status is >= 200 and < 300;
}

/// <summary>Talks to the controller found in the state directory (address from controller.json, token from the token file).</summary>
internal sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;

    private ApiClient(Uri baseAddress, string token)
    {
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public static ApiClient? Connect(string stateDirectory, out string error)
    {
        error = "";
        var info = ControllerInfo.Read(stateDirectory);
        if (info is null)
        {
            error = $"no controller is running for the state directory {stateDirectory} (start one with `canaria run -f rollout.yaml`, or pass --state-dir)";
            return null;
        }
        var dir = StateDirectory.Open(stateDirectory);
        return new ApiClient(new Uri(info.ApiAddress + "/api/v1/"), dir.EnsureToken());
    }

    public Task<ApiResponse> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<ApiResponse> PostAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Post, path, null, ct);

    public Task<ApiResponse> DeleteAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Delete, path, null, ct);

    public Task<ApiResponse> PutYamlAsync(string path, string yaml, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, path, new StringContent(yaml, Encoding.UTF8, "application/yaml"), ct);

    private async Task<ApiResponse> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        JsonNode? body = null;
        try
        {
            body = text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
        }
        return new ApiResponse(response.StatusCode, body, text);
    }

    public void Dispose() => _http.Dispose();
}
