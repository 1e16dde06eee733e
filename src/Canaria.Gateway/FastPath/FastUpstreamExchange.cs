using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Canaria.Gateway.Forwarding;
using Canaria.Gateway.Health;
using Canaria.Gateway.Hosting;
using Canaria.Gateway.Metrics;

namespace Canaria.Gateway.FastPath;

/// <summary>
/// Forwards one request to the chosen version: endpoint failover on connect failure, the request timeout (until the
/// response head, including a request body still arriving), and the outcome mapped to statuses and client errors as
/// the Kestrel path maps them (502 upstream failed or unreachable, 504 timed out, 400/408 bad or late request body,
/// client gone = client error).
/// </summary>
internal sealed class FastUpstreamExchange(FastConnection connection, FastPathContext context) : IDisposable
{
    private readonly FastRelay _relay = new(connection);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ExchangeOutcome> ForwardAsync(UpstreamRequest request, ReadOnlySequence<byte> buffer)
    {
        var service = request.Service;
        var version = request.Version;
        var time = context.Time;
        var start = time.GetTimestamp();
        connection.Input.AdvanceTo(buffer.GetPosition(connection.Exchange.Request.Length));
        var timeout = PooledTimeoutSource.Rent(service.RequestTimeout, connection.Aborted);
        _relay.Hold();
        try
        {
            var endpoint = version.PickEndpoint(start);
            var message = "no endpoint of this version is available";
            for (var attempt = 0; endpoint is not null && attempt < version.Endpoints.Length; attempt++)
            {
                endpoint.RequestStarted();
                FastResult result;
                try
                {
                    result = await _relay.ExchangeAsync(request, context.PoolFor(endpoint), timeout).ConfigureAwait(false);
                }
                finally
                {
                    endpoint.RequestEnded();
                }

                switch (result.Outcome)
                {
                    case ForwardOutcome.Relayed:
                        endpoint.ReportSuccess();
                        return new ExchangeOutcome(result.Status, null, result.KeepAlive);
                    case ForwardOutcome.ClientAborted:
                        GatewayLog.ClientError(context.Logger, service.Name, version.Name, ClientErrorKinds.Label(ClientErrorKind.Aborted), "the client went away");
                        return new ExchangeOutcome(499, ClientErrorKind.Aborted, false);
                    case ForwardOutcome.RequestBodyFailed:
                        GatewayLog.ClientError(context.Logger, service.Name, version.Name, ClientErrorKinds.Label(ClientErrorKind.BadRequestBody), result.Detail ?? "");
                        var (status, text) = result.Status == 408
                            ? (408, "the request body did not arrive in time")
                            : (400, $"the request body is malformed: {result.Detail}");
                        connection.Exchange.Record(status, ClientErrorKind.BadRequestBody);
                        await AnswerAsync(status, text, request, keepAlive: false).ConfigureAwait(false);
                        return new ExchangeOutcome(status, ClientErrorKind.BadRequestBody, false);
                    case ForwardOutcome.ResponseAborted:
                        GatewayLog.UpstreamFailed(context.Logger, service.Name, version.Name, endpoint.Address, result.Detail ?? "");
                        return new ExchangeOutcome(502, null, false);
                    case ForwardOutcome.TimedOut:
                        GatewayLog.UpstreamFailed(context.Logger, service.Name, version.Name, endpoint.Address, $"no response within {service.RequestTimeout.TotalMilliseconds} ms");
                        return await AnswerAsync(504, $"no answer within {service.RequestTimeout.TotalMilliseconds} ms", request, result.KeepAlive).ConfigureAwait(false);
                    case ForwardOutcome.UpstreamFailed:
                        GatewayLog.UpstreamFailed(context.Logger, service.Name, version.Name, endpoint.Address, result.Detail ?? "");
                        return await AnswerAsync(502, "the upstream failed before answering", request, result.KeepAlive).ConfigureAwait(false);
                    case ForwardOutcome.ConnectFailed:
                        var now = time.GetTimestamp();
                        GatewayLog.ConnectFailed(context.Logger, service.Name, version.Name, endpoint.Address, result.Detail ?? "");
                        if (endpoint.ReportConnectFailure(service.EjectAfterFailures, (long)(service.EjectFor.TotalSeconds * time.TimestampFrequency), now))
                        {
                            GatewayLog.EndpointEjected(context.Logger, service.Name, version.Name, endpoint.Address, service.EjectFor);
                        }

                        message = "no endpoint of this version could be reached";
                        endpoint = version.PickEndpoint(now, exclude: endpoint);
                        break;
                }
            }

            var keepAlive = connection.Exchange.Request is { KeepAlive: true, HasBody: false };
            return await AnswerAsync(502, message, request, keepAlive).ConfigureAwait(false);
        }
        finally
        {
            _relay.Release();
            timeout.Return();
        }
    }

    public void Dispose() => _relay.Dispose();

    private async ValueTask<ExchangeOutcome> AnswerAsync(int status, string message, UpstreamRequest request, bool keepAlive)
    {
        var close = !keepAlive || connection.Draining || !connection.Exchange.Request.Http11;
        connection.Exchange.Record(status);
        try
        {
            await connection.SendAsync(ClientResponseWriter.Error(status, message, request.Extras, request.VersionHeader, close), connection.Aborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client is gone; the status is still recorded.
            return new ExchangeOutcome(status, null, false);
        }

        return new ExchangeOutcome(status, null, !close);
    }
}
