using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Canaria.Gateway.Tests.Support;

/// <summary>
/// A real gRPC server (Grpc.AspNetCore on Kestrel, HTTP/2 only, cleartext) named after its version. Every
/// <see cref="FailEvery"/>-th call fails with <see cref="FailWith"/>; <c>Say</c> answers "name:request", <c>Count</c>
/// streams "name:1".."name:n". It records the protocol and the deadline each call arrived with.
/// </summary>
internal sealed class GrpcBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _calls;

    private GrpcBackend(string name, WebApplication app)
    {
        Name = name;
        _app = app;
    }

    public string Name { get; }

    public string Address { get; private set; } = "";

    public int Calls => Volatile.Read(ref _calls);

    public int FailEvery { get; set; }

    public StatusCode FailWith { get; set; } = StatusCode.Unavailable;

    public string? LastProtocol { get; private set; }

    public DateTime LastDeadline { get; private set; }

    public static async Task<GrpcBackend> StartAsync(string name)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddRouting();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<EchoServiceState>();
        var app = builder.Build();
        var backend = new GrpcBackend(name, app);
        app.UseRouting();
        app.MapGrpcService<EchoService>();
        app.Services.GetRequiredService<EchoServiceState>().Backend = backend;
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        backend.Address = new Uri(url).Authority;
        return backend;
    }

    /// <summary>Counts a call, notes how it arrived, and throws the configured failure when it is its turn.</summary>
    internal void Enter(ServerCallContext context)
    {
        var n = Interlocked.Increment(ref _calls);
        LastProtocol = context.GetHttpContext().Request.Protocol;
        LastDeadline = context.Deadline;
        if (FailEvery > 0 && n % FailEvery == 0)
        {
            throw new RpcException(new Status(FailWith, $"{Name} fails call {n}"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
