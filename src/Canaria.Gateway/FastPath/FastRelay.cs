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
/// when nothing of it was written (the connection was already dead), or when it is repeatable (<see cref="RequestReplay"/>)
/// and the gateway still holds all of it: no body, or a body that had wholly arrived (<see cref="HeldBody"/>). Any other
/// request that reached an upstream is sent once: a POST an upstream read before it died answers 502.
/// </summary>
internal sealed partial class FastRelay(FastConnection client) : IDisposable
{
    private static readonly TimeSpan BodyGrace = TimeSpan.FromSeconds(1);
    private static readonly byte[] Continue = "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();

    /// <summary>This request's body length while it is held in the client's pipe (0: no body); -1 when it is streamed or released.</summary>
    private long _held = -1;

    /// <summary>Whether any byte of this attempt's request was written to the upstream.</summary>
    private bool _written;

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
            // A request that could not be sent again if it met a close is more careful about which connection it takes.
            var upstream = attempt == 0 ? pool.TakeIdle(once: !request.Repeatable || _held < 0) : null;
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
                continue; // a stale keep-alive connection, and the request was not written or may be repeated: a new one
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
        _written = false;
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

            if (!await SendHeadAsync(upstream.Socket, request.Out.AsMemory(from, end - from), timeout.Token).ConfigureAwait(false))
            {
                // Under load the request timeout can run out before the head is even written (e.g. while connecting).
                return timeout.IsCancellationRequested && !client.Aborted.IsCancellationRequested
                    ? DeadlineBeforeBody(head)
                    : Unanswered(upstream, request, null, "sending the request failed");
            }

            if (!bodySent && _held > 0)
            {
                // Sent next to the wait for the response head, as a streamed body is: an upstream that answers early (401,
                // 413) and closes without reading the body resets the send, and its answer is still read and relayed. An
                // upgrade's body goes first, as the tunnel reads the client's pipe after the 101.
                body = HeldBody.SendAsync(client.Input, _held, upstream.Socket, timeout.Token);
                if (head.IsUpgrade && await body.ConfigureAwait(false) != BodyResult.Sent) return Unanswered(upstream, request, body, "sending the request body failed");
            }
            else if (head.HasBody && _held < 0)
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
                        : Unanswered(upstream, request, body, "the upstream closed the connection before answering");
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

            // The upstream answered: the request cannot be sent again. A held body still being sent is consumed once that
            // send ended (it holds the client's pipe until then: the exchange's end releases it).
            var held = body is not null && _held > 0;
            if (!held || body!.IsCompleted) Release();
            timeout.CancelAfter(Timeout.InfiniteTimeSpan); // past the response head the request timeout no longer applies
            var result = await RelayResponseAsync(upstream, request, timeout.Token).ConfigureAwait(false);
            if (body is not null)
            {
                // The upstream answered without reading the whole body: the rest is dropped with the upstream connection,
                // and with the client's too unless the gateway held all of it (then it is consumed from the pipe).
                if (!await BodyFinishedAsync(body, timeout).ConfigureAwait(false)) return held ? result : result with { KeepAlive = false };
                var sent = await body.ConfigureAwait(false);
                if (sent is BodyResult.Malformed or BodyResult.ClientGone or BodyResult.ClientTooSlow && result.Outcome == ForwardOutcome.Relayed)
                {
                    client.Dispose();
                    return new FastResult(ForwardOutcome.Relayed, result.Status, KeepAlive: false);
                }

                if (sent != BodyResult.Sent) return held ? result : result with { KeepAlive = false };
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
            return Unanswered(upstream, request, body, e.Message);
        }
        finally
        {
            if (reusable) pool.Return(upstream);
            else upstream.Dispose();

            // A held body's send still running (an answer came first, or the attempt failed) ends with the socket; only
            // then may the body be consumed or sent again.
            if (_held > 0 && body is { IsCompleted: false }) await body.ConfigureAwait(false);
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
        catch (Exception e) when (IsSendFailure(e, cancellationToken))
        {
            return false;
        }
    }
}
