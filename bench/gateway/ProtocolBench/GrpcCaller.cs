using Grpc.Core;
using Grpc.Net.Client;

namespace ProtocolBench;

/// <summary>Unary gRPC calls over <c>connections</c> h2c connections with <c>streams</c> calls in flight on each.</summary>
internal sealed class GrpcCaller(Uri address, int connections, int streams) : ICaller
{
    private static readonly byte[] Payload = "hello from the bench"u8.ToArray();
    private readonly GrpcChannel[] _channels = [.. Enumerable.Range(0, connections).Select(_ => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = false },
    }))];

    public int Workers => connections * streams;

    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        foreach (var channel in _channels) await channel.ConnectAsync(cancellationToken);
    }

    public async ValueTask<bool> CallAsync(int worker, CancellationToken cancellationToken)
    {
        var answer = await _channels[worker % connections].CreateCallInvoker()
            .AsyncUnaryCall(Echo.Say, null, new CallOptions(cancellationToken: cancellationToken), Payload);
        return answer is [(byte)'v', (byte)'2', ..];
    }

    public ValueTask DisposeAsync()
    {
        foreach (var channel in _channels) channel.Dispose();
        return ValueTask.CompletedTask;
    }
}
