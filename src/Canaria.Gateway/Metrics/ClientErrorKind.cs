namespace Canaria.Gateway.Metrics;

/// <summary>
/// Why a request the client broke was not served. Such requests are counted apart from a version's
/// requests: they are never its failures, never in its success rate and never in its latency.
/// </summary>
internal enum ClientErrorKind
{
    /// <summary>
    /// The request body could not be read: bad chunked framing, cut off before its end (the client closed or reset
    /// its connection mid-body), over a size limit, or still not all sent when the request timeout ran out while the
    /// gateway was waiting for the client (not for the upstream). Answered 400/413/408 while the client listens.
    /// </summary>
    BadRequestBody,

    /// <summary>The client went away while waiting for or receiving the answer.</summary>
    Aborted,

    /// <summary>No service of the listener matches the host and path: the gateway answered 404 itself.</summary>
    NoRoute,
}
