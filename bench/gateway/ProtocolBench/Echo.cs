using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace ProtocolBench;

/// <summary>A hand-bound unary gRPC method (no .proto): the request's bytes in, the backend's name out.</summary>
internal static class Echo
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    public static Method<byte[], byte[]> Say { get; } = new(MethodType.Unary, "canaria.bench.Echo", "Say", Bytes, Bytes);
}

/// <summary>Which backend answers (one app per backend process).</summary>
internal sealed class EchoName(string name)
{
    public byte[] Bytes { get; } = System.Text.Encoding.ASCII.GetBytes(name);
}

/// <summary>The service base, bound by hand the way generated code binds one.</summary>
[BindServiceMethod(typeof(EchoServiceBase), nameof(BindService))]
internal abstract class EchoServiceBase
{
    public static void BindService(ServiceBinderBase binder, EchoServiceBase? service) =>
        binder.AddMethod(Echo.Say, service is null ? null! : service.Say);

    public abstract Task<byte[]> Say(byte[] request, ServerCallContext context);
}

/// <summary>Answers every call with the backend's name, and counts the calls it answered (GET /calls on the WebSocket port).</summary>
internal sealed class EchoService(EchoName name) : EchoServiceBase
{
    private static long s_calls;

    public static long Calls => Interlocked.Read(ref s_calls);

    public override Task<byte[]> Say(byte[] request, ServerCallContext context)
    {
        Interlocked.Increment(ref s_calls);
        return Task.FromResult(name.Bytes);
    }
}
