namespace Canaria.Gateway.FastPath;

/// <summary>How sending a request body upstream ended.</summary>
internal enum BodyResult
{
    Sent,

    /// <summary>Bad chunked framing from the client (400).</summary>
    Malformed,

    /// <summary>The request timeout ran out while the gateway waited for the client's body (408).</summary>
    ClientTooSlow,

    /// <summary>The client closed or reset mid-body.</summary>
    ClientGone,

    /// <summary>Writing to the upstream failed, or the wait was cancelled while writing.</summary>
    UpstreamFailed,
}
