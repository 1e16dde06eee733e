using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Canaria.Gateway.Tests.Support;

/// <summary>Which backend a service instance serves (one app, one backend).</summary>
internal sealed class EchoServiceState
{
    public GrpcBackend? Backend { get; set; }
}

/// <summary>The service base of <see cref="EchoGrpc"/>, bound by hand the way generated code binds one.</summary>
[BindServiceMethod(typeof(EchoServiceBase), nameof(BindService))]
internal abstract class EchoServiceBase
{
    public static void BindService(ServiceBinderBase binder, EchoServiceBase? service)
    {
        binder.AddMethod(EchoGrpc.Say, service is null ? null! : service.Say);
        binder.AddMethod(EchoGrpc.Count, service is null ? null! : service.Count);
    }

    public abstract Task<string> Say(string request, ServerCallContext context);

    public abstract Task Count(string request, IServerStreamWriter<string> writer, ServerCallContext context);
}

/// <summary>The server side of <see cref="EchoGrpc"/>: answers as its backend, failing when the backend says so.</summary>
internal sealed class EchoService(EchoServiceState state) : EchoServiceBase
{
    public override Task<string> Say(string request, ServerCallContext context)
    {
        var backend = state.Backend!;
        backend.Enter(context);
        return Task.FromResult($"{backend.Name}:{request}");
    }

    public override async Task Count(string request, IServerStreamWriter<string> writer, ServerCallContext context)
    {
        var backend = state.Backend!;
        backend.Enter(context);
        for (var i = 1; i <= int.Parse(request, System.Globalization.CultureInfo.InvariantCulture); i++)
        {
            await writer.WriteAsync($"{backend.Name}:{i}", context.CancellationToken);
        }
    }
}
