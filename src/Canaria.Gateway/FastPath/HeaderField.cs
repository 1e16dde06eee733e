namespace Canaria.Gateway.FastPath;

/// <summary>One header line of a parsed head: offsets into the head's bytes, so nothing is copied or decoded.</summary>
internal struct HeaderField
{
    public int NameStart;
    public int NameLength;
    public int ValueStart;
    public int ValueLength;
    public HeaderKind Kind;

    /// <summary>Set when the Connection header lists this name: it is hop-by-hop too.</summary>
    public bool Dropped;
}
