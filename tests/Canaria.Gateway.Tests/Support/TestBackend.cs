using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Canaria.Gateway.Tests.Support;

/// <summary>A real Kestrel backend on 127.0.0.1:0 that answers with its name and counts what it sees.</summary>
internal sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _hits;
    private int _cancelled;

    private TestBackend(string name, WebApplication app)
    {
        Name = name;
        _app = app;
    }

    public string Name { get; }

    public string Address { get; private set; } = "";

    public int Hits => Volatile.Read(ref _hits);

    public int Cancelled => Volatile.Read(ref _cancelled);

    public HttpRequest? LastRequest { get; private set; }

    public IHeaderDictionary? LastHeaders { get; private set; }

    /// <summary>Replaces the default answer (200, body = name).</summary>
    public Func<HttpContext, Task>? Handler { get; set; }

    /// <summary>Starts on 127.0.0.1:0, speaking HTTP/1.1 (or, with <paramref name="http2Only"/>, only HTTP/2 with prior knowledge).</summary>
    public static async Task<TestBackend> StartAsync(string name, Func<HttpContext, Task>? handler = null, bool http2Only = false)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l =>
            l.Protocols = http2Only ? Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2 : Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1));
        var app = builder.Build();
        var backend = new TestBackend(name, app) { Handler = handler };
        app.UseWebSockets(new WebSocketOptions());
        app.Run(backend.HandleAsync);
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        backend.Address = new Uri(url).Authority;
        return backend;
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _hits);
        LastHeaders = new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value));
        context.RequestAborted.Register(() => Interlocked.Increment(ref _cancelled));
        if (Handler is { } handler)
        {
            await handler(context);
            return;
        }

        await context.Response.WriteAsync(Name);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
