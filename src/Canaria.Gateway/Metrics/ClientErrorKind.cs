namespace Canaria.Gateway.Metrics;

/// <summary>
/// Why a request the client broke was not served. Such requests are counted apart from a version's
/// requests: they are never its failures, never in its success rate and never in its latency.
/// </summary>
internal enum ClientErrorKind
{
    /// <summary>The request body broke the protocol (bad chunked framing, too large, sent too slowly): answered 400/413/408.</summary>
    Malformed,

    /// <summary>Reading the request body failed because the client's connection broke mid-body.</summary>
    BodyReadFailed,

    /// <summary>The client went away while waiting for or receiving the answer.</summary>
    Aborted,

    /// <summary>No service of the listener matches the host and path: the gateway answered 404 itself.</summary>
    NoRoute,
}
