using System.Net;
using System.Net.Sockets;
using Canaria.Gateway.Forwarding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Canaria.Gateway.Hosting;

/// <summary>One data-plane listener: a bare Kestrel server whose only middleware is the proxy pipeline.</summary>
internal sealed class ListenerServer : IDataListener
{
    private readonly WebApplication _app;

    private ListenerServer(string name, string configuredAddress, WebApplication app, Uri boundAddress, Socket listenSocket)
    {
        Name = name;
        ConfiguredAddress = configuredAddress;
        _app = app;
        BoundAddress = boundAddress;
        ListenSocket = listenSocket;
    }

    public string Name { get; }

    public string ConfiguredAddress { get; }

    /// <summary>The real address (port 0 resolved), e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BoundAddress { get; }

    /// <summary>The listening socket Kestrel accepts on; handed to a successor gateway process on a zero-downtime restart.</summary>
    public Socket ListenSocket { get; }

    /// <summary>
    /// Starts a listener on <paramref name="endPoint"/>, or on <paramref name="inherited"/>: a listening socket another
    /// gateway process handed over (its queue of not yet accepted connections comes with it). <paramref name="http2Only"/>
    /// serves HTTP/2 over cleartext only (Kestrel answers h2c prior knowledge only on such an endpoint).
    /// </summary>
    public static async Task<ListenerServer> StartAsync(string name, string configuredAddress, IPEndPoint endPoint, ProxyPipeline pipeline, ILoggerFactory loggerFactory, CancellationToken cancellationToken, Socket? inherited = null, Func<bool>? draining = null, bool http2Only = false)
    {
        Socket? listenSocket = null;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton<ILoggerFactory>(new ListenerLoggerFactory(loggerFactory));
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            options.Limits.MaxRequestBodySize = null;
            options.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            options.Listen(inherited?.LocalEndPoint as IPEndPoint ?? endPoint, listen =>
            {
                // The fast path hands HTTP/2 prior-knowledge connections to a listener that speaks only HTTP/2 (h2c).
                if (http2Only) listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2;
            });
        });
        builder.WebHost.UseSockets(o => o.CreateBoundListenSocket = ep =>
        {
            listenSocket = inherited ?? SocketTransportOptions.CreateDefaultBoundListenSocket(ep);
            // Other processes may hold this socket (a successor gateway, the controller's copies): .NET must close it,
            // never "disconnect" it, which would stop it listening for all of them. The gateway starts no processes.
            if (OperatingSystem.IsLinux()) Managed.SocketPassing.KeepOnDispose(listenSocket);
            return listenSocket;
        });
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        var app = builder.Build();
        app.Run(context =>
        {
            if (draining?.Invoke() == true)
            {
                // Handed over: finish this request, then close the connection cleanly (no idle keep-alive left to race a client's next request).
                context.Response.OnStarting(static state =>
                {
                    ((HttpContext)state).Response.Headers.Connection = "close";
                    return Task.CompletedTask;
                }, context);
            }

            return pipeline.HandleAsync(context, name);
        });
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ListenerServer(name, configuredAddress, app, new Uri(address), listenSocket!);
    }

    /// <summary>Stops accepting, lets requests in flight finish (up to the shutdown timeout), then releases the port.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
