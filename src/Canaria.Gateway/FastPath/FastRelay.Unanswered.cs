using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Canaria.Gateway.Forwarding;

namespace Canaria.Gateway.FastPath;

/// <summary>The rule for a request no response head came for: sent again on a new connection, or answered 502 once.</summary>
internal sealed partial class FastRelay
{
    /// <summary>
    /// No response head. On a reused connection that gave not one response byte, a connect-level failure (sent again on a
    /// new connection, and failed over when that cannot connect) when nothing of the request was written, or when it is
    /// repeatable and the gateway still holds all of it. Otherwise the request may have reached the upstream's application
    /// (a reset after the write looks the same whether an idle close crossed it or the upstream read it and died): 502.
    /// </summary>
    private FastResult Unanswered(UpstreamConnection upstream, UpstreamRequest request, Task<BodyResult>? body, string detail)
    {
        var head = client.Exchange.Request;
        if (client.Aborted.IsCancellationRequested) return new FastResult(ForwardOutcome.ClientAborted);
        if (body is { IsCompleted: true, Result: not BodyResult.Sent and not BodyResult.UpstreamFailed } failed)
        {
            return new FastResult(ForwardOutcome.RequestBodyFailed, failed.Result == BodyResult.ClientTooSlow ? 408 : 400, Detail: failed.Result.ToString());
        }

        upstream.Settle(); // an answer a parked receive already holds is a response byte too
        if (upstream.Reused && upstream.End == 0 && (!_written || (request.Repeatable && (!head.HasBody || _held > 0))))
        {
            return new FastResult(ForwardOutcome.ConnectFailed, Detail: detail);
        }

        return new FastResult(ForwardOutcome.UpstreamFailed, KeepAlive: head is { KeepAlive: true, HasBody: false }, Detail: detail);
    }

    /// <summary>
    /// Sends the request head (and a body that fits with it), noting once any byte of it was written: a send that fails
    /// wrote nothing, one that returns wrote at least a byte.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> SendHeadAsync(Socket socket, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        int sent;
        try
        {
            sent = await socket.SendAsync(bytes, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsSendFailure(e, cancellationToken))
        {
            return false;
        }

        _written = true;
        return await TrySendAsync(socket, bytes[sent..], cancellationToken).ConfigureAwait(false);
    }

    private static bool IsSendFailure(Exception e, CancellationToken cancellationToken) =>
        e is SocketException or ObjectDisposedException || (e is OperationCanceledException && cancellationToken.IsCancellationRequested);
}
