using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Canaria.Gateway.Forwarding;

namespace Canaria.Gateway.FastPath;

/// <summary>
/// One attempt against one endpoint: take a pooled connection (or connect), send the head, stream the body next to the
/// wait for the response head, then relay the response with its framing unchanged (Content-Length, chunked or until
/// the upstream closes) and give the connection back when it ended clean. A 101 becomes a two-way tunnel.
/// A request that fails on a reused connection before one byte of response came is sent once more on a new connection
/// when the gateway still holds all of it: no body, or a body that had wholly arrived (<see cref="HeldBody"/>). A request
/// whose body was being streamed from the client is never sent twice: it answers 502.
/// </summary>
internal sealed partial class FastRelay(FastConnection client) : IDisposable
{
    private static readonly TimeSpan BodyGrace = TimeSpan.FromSeconds(1);
    private static readonly byte[] Continue = "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();

    /// <summary>This request's body length while it is held in the client's pipe (0: no body); -1 when it is streamed or released.</summary>
    private long _held = -1;

    /// <summary>Decides, once per request and before the first attempt, whether its body is held (all arrived) or streamed.</summary>
    public void Hold() => _held = HeldBody.Measure(client.Input, client.Exchange.Request);

    /// <summary>Consumes a held body: called once the response head came, and when the request is over either way.</summary>
    public void Release()
    {
        HeldBody.Release(client.Input, _held);
        _held = -1;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<FastResult> ExchangeAsync(UpstreamRequest request, UpstreamPool pool, CancellationTokenSource timeout)
    {
        var head = client.Exchange.Request;
        for (var attempt = 0; ; attempt++)
        {
            var upstream = attempt == 0 ? pool.TakeIdle() : null;
            if (upstream is null)
            {
                try
                {
                    upstream = await pool.ConnectAsync(request.Service.ConnectTimeout, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                    if (client.Aborted.IsCancellationRequested) return new FastResult(ForwardOutcome.ClientAborted);
                    if (timeout.IsCancellationRequested) return DeadlineBeforeBody(head);
                    return new FastResult(ForwardOutcome.ConnectFailed, Detail: $"cannot connect to {pool.Endpoint.Address}: {e.Message}");
                }
            }

            var result = await ExchangeOnAsync(upstream, request, pool, timeout).ConfigureAwait(false);
            if (result.Outcome == ForwardOutcome.ConnectFailed && upstream.Reused && attempt == 0)
            {
                continue; // a stale keep-alive connection: nothing reached the upstream's application, try a new one
            }

            return result;
        }
    }

    public void Dispose()
    {
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FastResult> ExchangeOnAsync(UpstreamConnection upstream, UpstreamRequest request, UpstreamPool pool, CancellationTokenSource timeout)
    {
        var head = client.Exchange.Request;
        var reusable = false;
        Task<BodyResult>? body = null;
        try
        {
            var from = UpstreamRequestWriter.WritePrefix(request.Out, request.Line.Span, pool.Authority, head.Http11);
            var end = request.RestEnd;
            var bodySent = _held == 0;
            if (_held > 0 && HeldBody.TryCopy(client.Input, _held, request.Out.AsSpan(end)))
            {
                end += (int)_held; // a small held body goes in the same send as the head
                bodySent = true;
            }

            if (!await TrySendAsync(upstream.Socket, request.Out.AsMemory(from, end - from), timeout.Token).ConfigureAwait(false)
                || (!bodySent && _held > 0 && !await HeldBody.SendAsync(client.Input, _held, upstream.Socket, timeout.Token).ConfigureAwait(false)))
            {
                // Under load the request timeout can run out before the head is even written (e.g. while connecting).
                return timeout.IsCancellationRequested && !client.Aborted.IsCancellationRequested
                    ? DeadlineBeforeBody(head)
                    : Unanswered(upstream, head, timeout, null, "sending the request failed");
            }

            if (head.HasBody && _held < 0)
            {
                if (head.ExpectContinue) await client.SendAsync(Continue, timeout.Token).ConfigureAwait(false);
                body = RequestBodyPump.SendAsync(client, head, upstream.Socket, timeout);
            }

            var response = request.Response;
            while (true)
            {
                var status = await ReadHeadAsync(upstream, response, request.VersionHeader, timeout.Token).ConfigureAwait(false);
                if (status == HeadStatus.Incomplete)
                {
                    // The upstream may close because the request timeout cut the body off: then that decides (408/504).
                    return body is not null && timeout.IsCancellationRequested
                        ? await CancelledAsync(head, timeout, body).ConfigureAwait(false)
                        : Unanswered(upstream, head, timeout, body, "the upstream closed the connection before answering");
                }

                if (status != HeadStatus.Complete) return new FastResult(ForwardOutcome.UpstreamFailed, KeepAlive: false, Detail: $"{pool.Endpoint.Address} sent a malformed response head");
                if (response.Status is >= 100 and < 200 and not 101)
                {
                    // Informational (103 Early Hints, a 100 the upstream sent anyway): relay to HTTP/1.1 clients, then read on.
                    if (head.Http11 && response.Status != 100) await client.SendAsync(upstream.Buffer.AsMemory(upstream.Start, response.Length), timeout.Token).ConfigureAwait(false);
                    upstream.Start += response.Length;
                    continue;
                }

                break;
            }

            Release(); // the upstream answered: the request cannot be sent again, and its body is done with
            timeout.CancelAfter(Timeout.InfiniteTimeSpan); // past the response head the request timeout no longer applies
            var result = await RelayResponseAsync(upstream, request, timeout.Token).ConfigureAwait(false);
            if (body is not null)
            {
                if (!await BodyFinishedAsync(body, timeout).ConfigureAwait(false))
                {
                    // The upstream answered without reading the whole body: the rest is dropped with both connections.
                    return result with { KeepAlive = false };
                }

                var sent = await body.ConfigureAwait(false);
                if (sent is BodyResult.Malformed or BodyResult.ClientGone or BodyResult.ClientTooSlow && result.Outcome == ForwardOutcome.Relayed)
                {
                    client.Dispose();
                    return new FastResult(ForwardOutcome.Relayed, result.Status, KeepAlive: false);
                }

                if (sent != BodyResult.Sent) return result with { KeepAlive = false };
            }

            reusable = result.Outcome == ForwardOutcome.Relayed && result.KeepAlive && upstream.Start == upstream.End
                && !response.ConnectionClose && response.Http11 && (head.Http11 || response.ConnectionKeepAlive)
                && !response.CloseDelimited(head.IsHead) && response.Status != 101;
            return result;
        }
        catch (OperationCanceledException)
        {
            return await CancelledAsync(head, timeout, body).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            if (client.Aborted.IsCancellationRequested) return new FastResult(ForwardOutcome.ClientAborted);
            if (body is not null && timeout.IsCancellationRequested) return await CancelledAsync(head, timeout, body).ConfigureAwait(false);
            return Unanswered(upstream, head, timeout, body, e.Message);
        }
        finally
        {
            if (reusable) pool.Return(upstream);
            else upstream.Dispose();
        }
    }

    /// <summary>
    /// After a complete response: whether the body pump finished too. It normally has (the upstream read the body before
    /// answering), but its last continuation may still be on its way; one that is still busy after a moment is cancelled.
    /// </summary>
    private static async ValueTask<bool> BodyFinishedAsync(Task<BodyResult> body, CancellationTokenSource timeout)
    {
        if (body.IsCompleted) return true;
        try
        {
            await body.WaitAsync(BodyGrace).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            timeout.Cancel();
            await body.ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>The wait was cancelled: the client left, its body failed (400/408), or the upstream took too long (504).</summary>
    private async ValueTask<FastResult> CancelledAsync(RequestHead head, CancellationTokenSource timeout, Task<BodyResult>? body)
    {
        if (client.Aborted.IsCancellationRequested) return new FastResult(ForwardOutcome.ClientAborted);
        if (body is null) return DeadlineBeforeBody(head);
        var sent = await body.ConfigureAwait(false);
        return sent switch
        {
            BodyResult.Malformed => new FastResult(ForwardOutcome.RequestBodyFailed, 400, Detail: "bad chunked framing"),
            BodyResult.ClientTooSlow => new FastResult(ForwardOutcome.RequestBodyFailed, 408, Detail: "the request body did not arrive in time"),
            BodyResult.ClientGone => new FastResult(ForwardOutcome.RequestBodyFailed, 400, Detail: "the client closed the connection mid-body"),
            _ => new FastResult(ForwardOutcome.TimedOut, KeepAlive: timeout.IsCancellationRequested && head is { KeepAlive: true, HasBody: false }),
        };
    }

    /// <summary>
    /// The request timeout ran out before any of the body was read: still the client's lateness (408) when its body has
    /// not all arrived by then, as when the pump was waiting for it; else the upstream's (504), also for a client that
    /// waits for a 100 Continue it was not sent yet.
    /// </summary>
    private FastResult DeadlineBeforeBody(RequestHead head) => head is { HasBody: true, ExpectContinue: false } && !RequestBodyPump.IsBuffered(client.Input, head)
        ? new FastResult(ForwardOutcome.RequestBodyFailed, 408, Detail: "the request body did not arrive in time")
        : new FastResult(ForwardOutcome.TimedOut, KeepAlive: head is { KeepAlive: true, HasBody: false });

    /// <summary>
    /// No response head: on a reused connection that gave not one response byte, while the gateway still holds the whole
    /// request, a connect-level failure (sent again on a new connection); else 502.
    /// </summary>
    private FastResult Unanswered(UpstreamConnection upstream, RequestHead head, CancellationTokenSource timeout, Task<BodyResult>? body, string detail)
    {
        if (client.Aborted.IsCancellationRequested) return new FastResult(ForwardOutcome.ClientAborted);
        if (body is { IsCompleted: true, Result: not BodyResult.Sent and not BodyResult.UpstreamFailed } failed)
        {
            return new FastResult(ForwardOutcome.RequestBodyFailed, failed.Result == BodyResult.ClientTooSlow ? 408 : 400, Detail: failed.Result.ToString());
        }

        if (upstream.Reused && (!head.HasBody || _held > 0) && upstream.End == 0)
        {
            return new FastResult(ForwardOutcome.ConnectFailed, Detail: detail);
        }

        _ = timeout;
        return new FastResult(ForwardOutcome.UpstreamFailed, KeepAlive: head is { KeepAlive: true, HasBody: false }, Detail: detail);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<HeadStatus> ReadHeadAsync(UpstreamConnection upstream, ResponseHead response, byte[]? versionHeader, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (upstream.End > upstream.Start)
            {
                var status = response.Parse(upstream.Buffered, versionHeader);
                if (status != HeadStatus.Incomplete) return status;
            }

            if (upstream.End == upstream.Buffer.Length && upstream.Start == 0) return HeadStatus.TooLarge;
            if (await upstream.ReadMoreAsync(cancellationToken).ConfigureAwait(false) == 0) return HeadStatus.Incomplete;
        }
    }

    /// <summary>Sends all of <paramref name="bytes"/>; false when the peer is gone or the wait was cancelled.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal static async ValueTask<bool> TrySendAsync(Socket socket, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        try
        {
            while (!bytes.IsEmpty)
            {
                bytes = bytes[await socket.SendAsync(bytes, SocketFlags.None, cancellationToken).ConfigureAwait(false)..];
            }

            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException || (e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }
}
