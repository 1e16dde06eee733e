namespace Canaria.Gateway.Forwarding;

/// <summary>How one upstream attempt ended.</summary>
internal enum ForwardOutcome
{
    /// <summary>The upstream answered and its response was relayed (whatever its status).</summary>
    Relayed,

    /// <summary>No connection could be made and nothing was sent: safe to try another endpoint.</summary>
    ConnectFailed,

    /// <summary>No response headers within the request timeout (504).</summary>
    TimedOut,

    /// <summary>The upstream failed after the request was sent, before response headers (502).</summary>
    UpstreamFailed,

    /// <summary>The upstream broke while the response body was being relayed; the client connection was aborted.</summary>
    ResponseAborted,

    /// <summary>The client went away (while waiting for or receiving the answer); the upstream call was cancelled.</summary>
    ClientAborted,

    /// <summary>Reading the client's request body failed (malformed framing, size or rate limit, connection broken mid-body): the client's fault.</summary>
    RequestBodyFailed,
}
