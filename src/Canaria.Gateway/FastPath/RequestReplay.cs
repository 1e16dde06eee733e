namespace Canaria.Gateway.FastPath;

/// <summary>
/// Whether a request may be sent a second time after it reached an upstream that then dropped the connection without one
/// byte of answer. That signal is the same for an idle close that crossed the request and for an upstream that read the
/// request and then died (out of memory, killed by a rollback), so only a request whose repetition is harmless is sent
/// again (RFC 9110 §9.2.2, as Go's transport decides): an idempotent method (GET, HEAD, OPTIONS, TRACE, PUT, DELETE), or
/// any method carrying an <c>Idempotency-Key</c> or <c>X-Idempotency-Key</c> header (the client's promise that the
/// upstream ignores a repeat). Method names are case-sensitive, header names are not.
/// </summary>
internal static class RequestReplay
{
    public static bool IsRepeatable(RequestHead request, ReadOnlySpan<byte> head)
    {
        var method = request.Method(head);
        if (method.SequenceEqual("GET"u8) || method.SequenceEqual("HEAD"u8) || method.SequenceEqual("PUT"u8)
            || method.SequenceEqual("DELETE"u8) || method.SequenceEqual("OPTIONS"u8) || method.SequenceEqual("TRACE"u8))
        {
            return true;
        }

        for (var i = 0; i < request.Count; i++)
        {
            // A key the Connection header lists is dropped, so the upstream would not see it: it does not count.
            if (request.Headers[i].Kind != HeaderKind.Other || request.Headers[i].Dropped) continue;
            var name = request.Name(head, i);
            if (HttpAscii.EqualsIgnoreCase(name, "idempotency-key"u8) || HttpAscii.EqualsIgnoreCase(name, "x-idempotency-key"u8)) return true;
        }

        return false;
    }
}
