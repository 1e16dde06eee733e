using System.Net;
using System.Net.Sockets;
using Canaria.Gateway.Config;
using Canaria.Gateway.Forwarding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Canaria.Gateway.Hosting;

/// <summary>
/// One data-plane listener: a bare Kestrel server whose only middleware is the proxy pipeline. It speaks HTTP/1.1
/// and HTTP/2 unless configured to one of them; with TLS the client chooses by ALPN, without it Kestrel serves
/// HTTP/1.1 only (h2c prior knowledge needs an HTTP/2-only endpoint). Also the fast path's full path (see
/// <see cref="FastPath.FastListener"/>).
/// </summary>
internal sealed class ListenerServer : IDataListener
{
    private readonly WebApplication _app;

    private ListenerServer(ListenerConfig config, WebApplication app, Uri boundAddress, Socket listenSocket, CertificateReloader? tls)
    {
        Name = config.Name;
        ConfiguredAddress = config.Address;
        Protocols = config.Protocols;
        Tls = tls;
        _app = app;
        BoundAddress = boundAddress;
        ListenSocket = listenSocket;
    }

    public string Name { get; }

    public string ConfiguredAddress { get; }

    public ListenerProtocols Protocols { get; }

    /// <summary>The certificate this listener serves; null for plain TCP.</summary>
    public CertificateReloader? Tls { get; }

    /// <summary>The real address (port 0 resolved), e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BoundAddress { get; }

    /// <summary>The listening socket Kestrel accepts on; handed to a successor gateway process on a zero-downtime restart.</summary>
    public Socket ListenSocket { get; }

    /// <summary>
    /// Starts a listener on <paramref name="endPoint"/>, or on <paramref name="inherited"/>: a listening socket another
    /// gateway process handed over (its queue of not yet accepted connections comes with it).
    /// </summary>
    public static async Task<ListenerServer> StartAsync(ListenerConfig config, IPEndPoint endPoint, CertificateReloader? tls, ProxyPipeline pipeline, ILoggerFactory loggerFactory, CancellationToken cancellationToken, Socket? inherited = null, Func<bool>? draining = null, HandedOffClients? handedOff = null)
    {
        var name = config.Name;
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
                listen.Protocols = config.Protocols switch
                {
                    ListenerProtocols.Http1 => HttpProtocols.Http1,
                    ListenerProtocols.Http2 => HttpProtocols.Http2,
                    _ => HttpProtocols.Http1AndHttp2,
                };
                if (handedOff is not null)
                {
                    // A fast-path listener's internal server: its connections come from the fast path on loopback; the
                    // request sees the client the fast path accepted (X-Forwarded-For, logs).
                    listen.Use(next => connection =>
                    {
                        if (handedOff.TryGet(connection.RemoteEndPoint, out var client)) connection.RemoteEndPoint = client;
                        return next(connection);
                    });
                }

                if (tls is not null)
                {
                    listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificateSelector = (_, _) => tls.Current });
                }
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
        return new ListenerServer(config, app, new Uri(address), listenSocket!, tls);
    }

    /// <summary>Stops accepting, lets requests in flight finish (up to the shutdown timeout), then releases the port.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        Tls?.Dispose();
    }
}
