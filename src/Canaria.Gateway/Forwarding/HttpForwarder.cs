using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using Canaria.Gateway.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Canaria.Gateway.Forwarding;

/// <summary>
/// Sends one request to one endpoint and relays the answer: headers minus hop-by-hop ones, bodies
/// streamed both ways, client disconnects cancel the upstream call, request timeout until response headers.
/// What the client broke (its request body, its connection) is told apart from what the upstream broke, so only
/// the latter is ever a failure of the version. Response trailers (gRPC's <c>grpc-status</c>) are relayed when the
/// client's protocol carries them, and an upstream's 101 to an Upgrade request (or to the handshake an HTTP/2 WebSocket
/// CONNECT became) turns the exchange into a tunnel.
/// </summary>
internal sealed class HttpForwarder(HttpMessageInvoker client)
{
    private const int CopyBufferSize = 16 * 1024;

    public async ValueTask<ForwardResult> ForwardAsync(
        HttpContext context, EndpointState endpoint, Version upstreamVersion, TimeSpan connectTimeout, TimeSpan requestTimeout, ResponseExtras extras)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } u ? u : null;
        var websocket = upgrade is null ? WebSocketOverHttp2.Detect(context) : null;
        using var request = RequestFactory.Create(context, endpoint, upstreamVersion, upgrade is not null, out var content, websocket is not null);
        var handshake = websocket is null ? null : new WebSocketHandshake(websocket, WebSocketOverHttp2.AddHandshake(request));
        if (connectTimeout != ForwarderClientFactory.DefaultConnectTimeout)
        {
            request.Options.Set(ForwarderClientFactory.ConnectTimeoutKey, connectTimeout);
        }

        var aborted = context.RequestAborted;
        var timeout = PooledTimeoutSource.Rent(requestTimeout, aborted);
        try
        {
            return await SendAndRelayAsync(context, endpoint, request, content, upgrade, handshake, timeout, requestTimeout, extras).ConfigureAwait(false);
        }
        finally
        {
            timeout.Return();
        }
    }

    private async ValueTask<ForwardResult> SendAndRelayAsync(
        HttpContext context, EndpointState endpoint, HttpRequestMessage request, StreamingRequestContent? content,
        IHttpUpgradeFeature? upgrade, WebSocketHandshake? handshake, PooledTimeoutSource timeout, TimeSpan requestTimeout, ResponseExtras extras)
    {
        var aborted = context.RequestAborted;
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return new ForwardResult(ForwardOutcome.ClientAborted);
        }
        catch (Exception) when (content?.ReadFailure is { } bodyError)
        {
            // The client's body could not be read: whatever the upstream call then threw is a consequence.
            return new ForwardResult(ForwardOutcome.RequestBodyFailed, bodyError.Message, bodyError);
        }
        catch (OperationCanceledException)
        {
            return new ForwardResult(ForwardOutcome.TimedOut, $"no response from {endpoint.Address} within {requestTimeout.TotalMilliseconds} ms");
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError && content is not { Started: true })
        {
            return new ForwardResult(ForwardOutcome.ConnectFailed, $"cannot connect to {endpoint.Address}: {e.Message}");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return aborted.IsCancellationRequested
                ? new ForwardResult(ForwardOutcome.ClientAborted)
                : new ForwardResult(ForwardOutcome.UpstreamFailed, $"{endpoint.Address} failed: {e.Message}");
        }

        using (response)
        {
            // Past the response headers the request timeout no longer applies; the body may stream for long.
            timeout.CancelAfter(Timeout.InfiniteTimeSpan);
            var switching = upgrade is not null && response.StatusCode == HttpStatusCode.SwitchingProtocols;
            CopyResponseHeaders(context, response, extras, switching);
            if (switching)
            {
                var tunnel = await response.Content.ReadAsStreamAsync(aborted).ConfigureAwait(false);
                await UpgradeTunnel.RunAsync(upgrade!, tunnel, aborted).ConfigureAwait(false);
                return new ForwardResult(ForwardOutcome.Relayed);
            }

            if (handshake is { } ws && response.StatusCode == HttpStatusCode.SwitchingProtocols)
            {
                if (!WebSocketOverHttp2.AcceptMatches(response, ws.Key))
                {
                    return new ForwardResult(ForwardOutcome.UpstreamFailed, $"{endpoint.Address} answered the WebSocket handshake without the right Sec-WebSocket-Accept");
                }

                // The HTTP/2 client is told 200 (RFC 8441); the 101's own handshake headers stay on the HTTP/1.1 hop.
                CopyResponseHeaders(context, response, extras, switching: false);
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.Headers.Remove("Sec-WebSocket-Accept");
                var upstream = await response.Content.ReadAsStreamAsync(aborted).ConfigureAwait(false);
                await UpgradeTunnel.RunAsync(await ws.Connect.AcceptAsync().ConfigureAwait(false), upstream, aborted).ConfigureAwait(false);
                return new ForwardResult(ForwardOutcome.Relayed);
            }

            var result = await CopyBodyAsync(context, response, content, aborted).ConfigureAwait(false);
            return result.Outcome == ForwardOutcome.Relayed ? result with { GrpcStatus = ResponseTrailers.Relay(context, response) } : result;
        }
    }

    private static void CopyResponseHeaders(HttpContext context, HttpResponseMessage response, ResponseExtras extras, bool switching)
    {
        var target = context.Response;
        target.StatusCode = (int)response.StatusCode;
        var connection = response.Headers.NonValidated.TryGetValues("Connection", out var c) ? c.ToString() : null;
        CopyHeaders(response.Headers.NonValidated, target.Headers, connection);
        CopyHeaders(response.Content.Headers.NonValidated, target.Headers, connection);
        if (switching && response.Headers.NonValidated.TryGetValues("Upgrade", out var protocol))
        {
            // The one hop-by-hop header that must cross: it names the protocol the client switches to.
            target.Headers.Upgrade = protocol.ToString();
        }

        extras.Apply(target);
    }

    private static void CopyHeaders(HttpHeadersNonValidated source, IHeaderDictionary target, string? connection)
    {
        foreach (var (name, values) in source)
        {
            if (HopByHopHeaders.IsHopByHop(name) || HopByHopHeaders.IsListedIn(connection, name))
            {
                continue;
            }

            target[name] = values.Count == 1 ? new Microsoft.Extensions.Primitives.StringValues(values.ToString()) : values.ToArray();
        }
    }

    /// <summary>A read whose failure, even one thrown at once, surfaces where it is awaited (as the upstream's failure).</summary>
    private static ValueTask<int> ReadAsync(Stream upstream, byte[] buffer, CancellationToken aborted)
    {
        try
        {
            return upstream.ReadAsync(buffer, aborted);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ValueTask.FromException<int>(e);
        }
    }

    /// <summary>
    /// Relays the response body. A chunk goes out at once unless the upstream's next one is already there: then they
    /// leave together, and a unary gRPC answer (headers, message, trailers) costs the client's connection one write
    /// instead of one per part, while a stream whose upstream pauses is never held back in the gateway.
    /// </summary>
    /// <summary>The most of a response written to the client without waiting on a flush (the flush is where the client's pace pushes back).</summary>
    private const int MaxUnflushed = 64 * 1024;

    private static async ValueTask<ForwardResult> CopyBodyAsync(HttpContext context, HttpResponseMessage response, StreamingRequestContent? content, CancellationToken aborted)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            var upstream = await response.Content.ReadAsStreamAsync(aborted).ConfigureAwait(false);
            await using (upstream.ConfigureAwait(false))
            {
                var body = context.Response.BodyWriter;
                var next = ReadAsync(upstream, buffer, aborted);
                var unflushed = 0; // bytes written since the last flush: a fast upstream to a slow client must still wait on the flush
                while (true)
                {
                    int read;
                    try
                    {
                        read = await next.ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is IOException or HttpRequestException && !aborted.IsCancellationRequested)
                    {
                        context.Abort();

                        // An upstream that answered before reading the whole body loses the exchange when that body breaks.
                        return content?.ReadFailure is { } bodyError
                            ? new ForwardResult(ForwardOutcome.RequestBodyFailed, bodyError.Message, bodyError)
                            : new ForwardResult(ForwardOutcome.ResponseAborted, e.Message);
                    }

                    if (read == 0)
                    {
                        // Kestrel sends what is still buffered when the response completes (with the trailers, if any).
                        return new ForwardResult(ForwardOutcome.Relayed);
                    }

                    try
                    {
                        body.Write(buffer.AsSpan(0, read));
                        unflushed += read;
                        next = ReadAsync(upstream, buffer, aborted);
                        if (!next.IsCompleted || unflushed >= MaxUnflushed)
                        {
                            await body.FlushAsync(aborted).ConfigureAwait(false);
                            unflushed = 0;
                        }
                    }
                    catch (Exception e) when (e is OperationCanceledException or IOException)
                    {
                        // Writing to the client failed: the client is gone, the upstream did nothing wrong.
                        return new ForwardResult(ForwardOutcome.ClientAborted);
                    }
                }
            }
        }
        catch (Exception e) when (aborted.IsCancellationRequested && e is OperationCanceledException or IOException or HttpRequestException)
        {
            return new ForwardResult(ForwardOutcome.ClientAborted);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
