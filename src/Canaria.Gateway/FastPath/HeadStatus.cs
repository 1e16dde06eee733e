namespace Canaria.Gateway.FastPath;

/// <summary>What parsing a request or response head found.</summary>
internal enum HeadStatus
{
    /// <summary>The head is not complete yet: read more.</summary>
    Incomplete,

    Complete,

    /// <summary>Malformed: bad request line, header syntax, framing or an ambiguous length (smuggling).</summary>
    Malformed,

    /// <summary>Over the head size or header count limit (431).</summary>
    TooLarge,

    /// <summary>The request line alone is over its limit (414).</summary>
    UriTooLong,

    /// <summary>The HTTP/2 prior-knowledge preface: the connection belongs to the full (Kestrel) path.</summary>
    Http2Preface,
}
