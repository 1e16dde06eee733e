namespace Canaria.Gateway.FastPath;

/// <summary>The Connection header the gateway adds to a response for the client.</summary>
internal enum ConnectionHeader
{
    /// <summary>HTTP/1.1 keep-alive: no header needed.</summary>
    None,

    /// <summary>An HTTP/1.0 client that asked for keep-alive and gets it.</summary>
    KeepAlive,

    /// <summary>The connection ends after this response.</summary>
    Close,
}
