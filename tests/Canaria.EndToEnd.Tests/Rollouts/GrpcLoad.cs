using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;

namespace Canaria.EndToEnd.Tests.Rollouts;

/// <summary>One gRPC call as the client saw it: kind, the version the gateway named, the final status.</summary>
internal sealed record GrpcAnswer(TimeSpan SentAt, string Method, string GatewayVersion, StatusCode Status, int Messages, string? Detail = null);

/// <summary>
/// A steady gRPC load through the gateway with Grpc.Net.Client (h2c): alternating unary <c>Hello</c> and server-streaming
/// <c>Count</c> calls on the sample app's <c>canaria.sample.Sample</c> service (UTF-8 text messages).
/// </summary>
internal sealed class GrpcLoad : IAsyncDisposable
{
    private static readonly Marshaller<string> Text = Marshallers.Create(s => Encoding.UTF8.GetBytes(s), b => Encoding.UTF8.GetString(b));
    private static readonly Method<string, string> Hello = new(MethodType.Unary, "canaria.sample.Sample", "Hello", Text, Text);
    private static readonly Method<string, string> Count = new(MethodType.ServerStreaming, "canaria.sample.Sample", "Count", Text, Text);

    private readonly GrpcChannel _channel;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<GrpcAnswer> _answers = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    public GrpcLoad(Uri gateway) => _channel = GrpcChannel.ForAddress(gateway, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler() });

    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyCollection<GrpcAnswer> SoFar => _answers;

    public void Start(int workers) =>
        _running = Task.WhenAll(Enumerable.Range(0, workers).Select(i => Task.Run(() => WorkAsync(i % 2 == 1))));

    public async Task<IReadOnlyList<GrpcAnswer>> StopAsync()
    {
        await _stop.CancelAsync();
        await _running;
        return [.. _answers];
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _channel.Dispose();
        _stop.Dispose();
    }

    private async Task WorkAsync(bool streaming)
    {
        var invoker = _channel.CreateCallInvoker();
        while (!_stop.IsCancellationRequested)
        {
            var sentAt = _clock.Elapsed;
            var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10));
            var version = "(none)";
            var messages = 0;
            StatusCode status;
            string? detail = null;
            try
            {
                if (streaming)
                {
                    using var call = invoker.AsyncServerStreamingCall(Count, null, options, "3");
                    version = VersionOf(await call.ResponseHeadersAsync);
                    await foreach (var _ in call.ResponseStream.ReadAllAsync())
                        messages++;
                    status = call.GetStatus().StatusCode;
                }
                else
                {
                    using var call = invoker.AsyncUnaryCall(Hello, null, options, "canaria");
                    version = VersionOf(await call.ResponseHeadersAsync);
                    await call.ResponseAsync;
                    messages = 1;
                    status = StatusCode.OK;
                }
            }
            catch (RpcException e)
            {
                status = e.StatusCode;
                detail = e.Status.Detail + (e.Status.DebugException is { } debug ? " / " + debug.Message : "");
            }

            _answers.Enqueue(new GrpcAnswer(sentAt, streaming ? "Count" : "Hello", version, status, messages, detail));
        }
    }

    private static string VersionOf(Metadata headers) => headers.GetValue("x-canaria-version") ?? "(none)";
}
