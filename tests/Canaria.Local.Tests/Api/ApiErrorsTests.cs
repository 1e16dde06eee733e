using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Canaria.Local.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Canaria.Local.Tests.Api;

/// <summary>
/// The controller API's error shape on a real Kestrel server. No input is known to make a controller endpoint throw
/// (the fuzz test in Canaria.EndToEnd.Tests looks for one), so the unexpected exception comes from a test endpoint.
/// </summary>
public sealed class ApiErrorsTests : IAsyncLifetime
{
    private readonly CapturingLogger _logger = new();
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.UseJsonErrors(_logger);
        _app.MapGet("/throws", string () => throw new InvalidOperationException("internal detail /var/lib/secret-path"));
        _app.MapGet("/number", (int n) => Results.Ok(n));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task UseJsonErrors_TestEndpointThatThrows_Json500WithMessageLoggedWithoutInternals()
    {
        using var response = await _http.GetAsync("/throws");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("InvalidOperationException", (string?)JsonNode.Parse(text)!["message"], StringComparison.Ordinal);
        Assert.DoesNotContain("secret-path", text, StringComparison.Ordinal);
        var logged = Assert.Single(_logger.Entries);
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Contains("GET /throws", logged.Message, StringComparison.Ordinal);
        Assert.Contains("secret-path", logged.Exception?.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/number?n=abc", HttpStatusCode.BadRequest)]
    [InlineData("/number", HttpStatusCode.BadRequest)]
    [InlineData("/nowhere", HttpStatusCode.NotFound)]
    public async Task UseJsonErrors_RequestTheFrameworkRefuses_JsonWithMessage(string path, HttpStatusCode status)
    {
        using var response = await _http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(status, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((string?)JsonNode.Parse(text)!["message"]), text);
        Assert.Empty(_logger.Entries);
    }

    [Fact]
    public async Task UseJsonErrors_WrongMethod_Json405WithMessage()
    {
        using var response = await _http.DeleteAsync("/number?n=1");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("DELETE /number", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"], StringComparison.Ordinal);
    }

    private sealed record Entry(LogLevel Level, string Message, Exception? Exception);

    private sealed class CapturingLogger : ILogger
    {
        private readonly ConcurrentQueue<Entry> _entries = new();

        public IReadOnlyCollection<Entry> Entries => _entries.ToArray();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _entries.Enqueue(new Entry(logLevel, formatter(state, exception), exception));
    }
}
