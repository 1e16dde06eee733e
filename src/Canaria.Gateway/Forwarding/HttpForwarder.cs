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
/// </summary>
internal sealed class HttpForwarder(HttpMessageInvoker client)
{
    private const int CopyBufferSize = 16 * 1024;

    public async ValueTask<(ForwardOutcome Outcome, string? Detail)> ForwardAsync(
        HttpContext context, EndpointState endpoint, TimeSpan connectTimeout, TimeSpan requestTimeout, ResponseExtras extras)
    {
        using var request = RequestFactory.Create(context, endpoint, out var content);
        if (connectTimeout != ForwarderClientFactory.DefaultConnectTimeout)
        {
            request.Options.Set(ForwarderClientFactory.ConnectTimeoutKey, connectTimeout);
        }

        var aborted = context.RequestAborted;
        var timeout = PooledTimeoutSource.Rent(requestTimeout, aborted);
        try
        {
            return await SendAndRelayAsync(context, endpoint, request, content, timeout, requestTimeout, extras).ConfigureAwait(false);
        }
        finally
        {
            timeout.Return();
        }
    }

    private async ValueTask<(ForwardOutcome Outcome, string? Detail)> SendAndRelayAsync(
        HttpContext context, EndpointState endpoint, HttpRequestMessage request, StreamingRequestContent? content,
        PooledTimeoutSource timeout, TimeSpan requestTimeout, ResponseExtras extras)
    {
        var aborted = context.RequestAborted;
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return (ForwardOutcome.ClientAborted, null);
        }
        catch (OperationCanceledException)
        {
            return (ForwardOutcome.TimedOut, $"no response from {endpoint.Address} within {requestTimeout.TotalMilliseconds} ms");
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError && content is not { Started: true })
        {
            return (ForwardOutcome.ConnectFailed, $"cannot connect to {endpoint.Address}: {e.Message}");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return aborted.IsCancellationRequested
                ? (ForwardOutcome.ClientAborted, null)
                : (ForwardOutcome.UpstreamFailed, $"{endpoint.Address} failed: {e.Message}");
        }

        using (response)
        {
            // Past the response headers the request timeout no longer applies; the body may stream for long.
            timeout.CancelAfter(Timeout.InfiniteTimeSpan);
            CopyResponseHeaders(context, response, extras);
            return await CopyBodyAsync(context, response, aborted).ConfigureAwait(false);
        }
    }

    private static void CopyResponseHeaders(HttpContext context, HttpResponseMessage response, ResponseExtras extras)
    {
        var target = context.Response;
        target.StatusCode = (int)response.StatusCode;
        var connection = response.Headers.NonValidated.TryGetValues("Connection", out var c) ? c.ToString() : null;
        CopyHeaders(response.Headers.NonValidated, target.Headers, connection);
        CopyHeaders(response.Content.Headers.NonValidated, target.Headers, connection);
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

    private static async ValueTask<(ForwardOutcome, string?)> CopyBodyAsync(HttpContext context, HttpResponseMessage response, CancellationToken aborted)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            var upstream = await response.Content.ReadAsStreamAsync(aborted).ConfigureAwait(false);
            await using (upstream.ConfigureAwait(false))
            {
                var body = context.Response.Body;
                while (true)
                {
                    int read;
                    try
                    {
                        read = await upstream.ReadAsync(buffer, aborted).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is IOException or HttpRequestException && !aborted.IsCancellationRequested)
                    {
                        context.Abort();
                        return (ForwardOutcome.ResponseAborted, e.Message);
                    }

                    if (read == 0)
                    {
                        return (ForwardOutcome.Relayed, null);
                    }

                    await body.WriteAsync(buffer.AsMemory(0, read), aborted).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (aborted.IsCancellationRequested && e is OperationCanceledException or IOException or HttpRequestException)
        {
            return (ForwardOutcome.ClientAborted, null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
