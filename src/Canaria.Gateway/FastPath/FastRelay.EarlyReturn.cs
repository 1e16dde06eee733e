using System.Buffers;
using System.Runtime.CompilerServices;

namespace Canaria.Gateway.FastPath;

/// <summary>
/// Giving the upstream connection back as soon as the response was read whole from it, before its last bytes reach the
/// client: a next request that arrives in that moment (a client that sends it on seeing the end) finds it in the pool
/// instead of opening another. The pool reads into the connection's buffer at once (to notice a close), so the last
/// bytes go to the client from a copy, and from then on this attempt never touches the connection again, whatever the
/// client write does.
/// </summary>
internal sealed partial class FastRelay
{
    /// <summary>Whether a connection whose response was read whole may serve another request (the client's keep-alive counts too).</summary>
    private bool Reusable(UpstreamConnection upstream, ResponseHead response, bool keepAlive)
    {
        var head = client.Exchange.Request;
        return keepAlive && upstream.Start == upstream.End && !response.ConnectionClose && response.Http11
            && (head.Http11 || response.ConnectionKeepAlive) && !response.CloseDelimited(head.IsHead) && response.Status != 101;
    }

    /// <summary>
    /// Reusable, and this request's body send ended with all of it sent (its last continuation, when still on its way, is
    /// waited for briefly; a send still busy after that is left to the exchange's end, which returns the connection then).
    /// </summary>
    private async ValueTask<bool> MayReturnEarlyAsync(UpstreamConnection upstream, ResponseHead response, bool keepAlive)
    {
        if (!Reusable(upstream, response, keepAlive)) return false;
        if (_body is not { } body) return true;
        if (!body.IsCompleted) await ((Task)body).WaitAsync(BodyGrace).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return body.IsCompletedSuccessfully && body.Result == BodyResult.Sent;
    }

    private void ReturnEarly(UpstreamConnection upstream, UpstreamPool pool)
    {
        _returned = true;
        pool.Return(upstream);
    }

    /// <summary>Writes the response's last bytes (read from <paramref name="upstream"/>'s buffer), giving the connection back first when it may be.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> WriteLastAsync(UpstreamConnection upstream, ReadOnlyMemory<byte> bytes, UpstreamPool pool, ResponseHead response, bool keepAlive, CancellationToken cancellationToken)
    {
        if (!await MayReturnEarlyAsync(upstream, response, keepAlive).ConfigureAwait(false))
            return await TryWriteClientAsync(bytes, cancellationToken).ConfigureAwait(false);
        var copy = ArrayPool<byte>.Shared.Rent(bytes.Length);
        try
        {
            bytes.CopyTo(copy);
            ReturnEarly(upstream, pool);
            return await TryWriteClientAsync(copy.AsMemory(0, bytes.Length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }
}
