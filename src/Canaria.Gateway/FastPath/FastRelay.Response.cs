using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Canaria.Gateway.Forwarding;

namespace Canaria.Gateway.FastPath;

/// <summary>Relaying the response: head rewritten for the client, body copied with its own framing, or a tunnel after 101.</summary>
internal sealed partial class FastRelay
{
    private const int OutSize = ResponseHead.MaxHeadBytes + (8 * 1024);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FastResult> RelayResponseAsync(UpstreamConnection upstream, UpstreamRequest request, CancellationToken cancellationToken)
    {
        var head = client.Exchange.Request;
        var response = request.Response;
        var status = response.Status;
        var upgraded = status == 101 && head.IsUpgrade;
        var closeDelimited = response.CloseDelimited(head.IsHead);
        var keepAlive = head.KeepAlive && !closeDelimited && !client.Draining && (status != 101 || upgraded);

        var headStart = upstream.Start;
        upstream.Start += response.Length;

        // Body bytes that came with the head go out in the same send when they fit.
        var remaining = !response.HasBody(head.IsHead) ? 0 : response.Chunked || closeDelimited ? long.MaxValue : response.ContentLength;
        var scanner = default(ChunkedScanner);
        var first = Take(upstream, response.Chunked, ref remaining, ref scanner);
        if (scanner.IsError) return Broken(upstream, "bad chunked framing in the response");
        if (!upgraded && !closeDelimited && (remaining == 0 || scanner.IsDone)) client.Exchange.Record(status);
        var clientHead = System.Buffers.ArrayPool<byte>.Shared.Rent(OutSize);
        try
        {
            var connection = keepAlive ? head.Http11 ? ConnectionHeader.None : ConnectionHeader.KeepAlive : ConnectionHeader.Close;
            var length = ClientResponseWriter.Write(clientHead, upstream.Buffer.AsSpan(headStart, response.Length), response, request.Extras, request.VersionHeader, connection);
            var inline = first <= clientHead.Length - length;
            if (inline)
            {
                upstream.Buffer.AsSpan(upstream.Start, first).CopyTo(clientHead.AsSpan(length));
            }

            if (!await TryWriteClientAsync(clientHead.AsMemory(0, inline ? length + first : length), cancellationToken).ConfigureAwait(false)
                || (!inline && !await TryWriteClientAsync(upstream.Buffer.AsMemory(upstream.Start, first), cancellationToken).ConfigureAwait(false)))
            {
                return new FastResult(ForwardOutcome.ClientAborted);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(clientHead);
        }

        upstream.Start += first;
        if (upgraded)
        {
            await FastTunnel.RunAsync(client, upstream).ConfigureAwait(false);
            return new FastResult(ForwardOutcome.Relayed, status, KeepAlive: false);
        }

        while (remaining > 0 && !scanner.IsDone)
        {
            upstream.Start = upstream.End = 0;
            int read;
            try
            {
                read = await upstream.ReadMoreAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or IOException && !client.Aborted.IsCancellationRequested)
            {
                return Broken(upstream, e.Message);
            }

            if (read == 0)
            {
                if (closeDelimited) break;
                return Broken(upstream, "the upstream closed the connection mid-body");
            }

            var chunk = Take(upstream, response.Chunked, ref remaining, ref scanner);
            if (scanner.IsError) return Broken(upstream, "bad chunked framing in the response");
            if (!closeDelimited && (remaining == 0 || scanner.IsDone)) client.Exchange.Record(status);
            if (!await TryWriteClientAsync(upstream.Buffer.AsMemory(upstream.Start, chunk), cancellationToken).ConfigureAwait(false))
            {
                return new FastResult(ForwardOutcome.ClientAborted);
            }

            upstream.Start += chunk;
        }

        return new FastResult(ForwardOutcome.Relayed, status, keepAlive);
    }

    /// <summary>The part of the buffered bytes that belongs to this response's body.</summary>
    private static int Take(UpstreamConnection upstream, bool chunked, ref long remaining, ref ChunkedScanner scanner)
    {
        var available = upstream.Buffered;
        if (remaining == 0) return 0;
        if (chunked) return scanner.Scan(available);
        var n = (int)Math.Min(available.Length, remaining);
        if (remaining != long.MaxValue) remaining -= n;
        return n;
    }

    /// <summary>The upstream broke mid-response: the client's connection is aborted (it cannot tell a cut body from a whole one otherwise).</summary>
    private FastResult Broken(UpstreamConnection upstream, string detail)
    {
        client.Dispose();
        upstream.Start = upstream.End;
        return new FastResult(ForwardOutcome.ResponseAborted, Detail: detail);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> TryWriteClientAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        try
        {
            await client.SendAsync(bytes, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }
}
