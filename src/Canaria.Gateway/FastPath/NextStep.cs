namespace Canaria.Gateway.FastPath;

/// <summary>What a fast-path connection does after a request head was served (or not).</summary>
internal enum NextStep
{
    /// <summary>Close the connection.</summary>
    Close,

    /// <summary>Read the next request on the same connection.</summary>
    KeepAlive,

    /// <summary>
    /// The request (not consumed) and the rest of the connection go to the listener's Kestrel full path: its service
    /// speaks HTTP/2 upstream (protocol http2 or grpc), which only the full path forwards.
    /// </summary>
    HandToFullPath,
}
