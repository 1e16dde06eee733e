namespace Canaria.Gateway.FastPath.Http2;

/// <summary>
/// Checks a request's header fields as RFC 9113 §8.2–8.3 requires (a malformed request is a stream error of type
/// PROTOCOL_ERROR) and notes where its pseudo-header fields are.
/// </summary>
internal static class RequestFields
{
    public static bool Validate(Http2Stream stream)
    {
        var list = stream.Request;
        int method = -1, scheme = -1, path = -1, authority = -1, protocol = -1;
        var regular = false;
        for (var i = 0; i < list.Count; i++)
        {
            var name = list.Name(i);
            if (name.IsEmpty) return false;
            if (name[0] == (byte)':')
            {
                if (regular) return false; // pseudo-header fields come first
                ref var slot = ref method;
                if (name.SequenceEqual(":method"u8)) slot = ref method;
                else if (name.SequenceEqual(":scheme"u8)) slot = ref scheme;
                else if (name.SequenceEqual(":path"u8)) slot = ref path;
                else if (name.SequenceEqual(":authority"u8)) slot = ref authority;
                else if (name.SequenceEqual(":protocol"u8)) slot = ref protocol;
                else return false;
                if (slot >= 0) return false;
                slot = i;
                continue;
            }

            regular = true;
            foreach (var c in name)
            {
                if (c is >= (byte)'A' and <= (byte)'Z' or <= 0x20 or 0x7f or (byte)':') return false;
            }

            if (IsConnectionSpecific(name)) return false;
            if (name.SequenceEqual("te"u8) && !list.Value(i).SequenceEqual("trailers"u8)) return false;
            foreach (var c in list.Value(i))
            {
                if (c is 0 or (byte)'\r' or (byte)'\n') return false;
            }
        }

        if (method < 0) return false;
        var connect = list.Value(method).SequenceEqual("CONNECT"u8);
        if (connect && protocol < 0)
        {
            if (scheme >= 0 || path >= 0 || authority < 0) return false;
        }
        else if (scheme < 0 || path < 0 || list.Value(path).IsEmpty || (protocol >= 0 && !connect))
        {
            return false;
        }

        stream.MethodIndex = method;
        stream.PathIndex = path;
        stream.AuthorityIndex = authority;
        return true;
    }

    /// <summary>Fields HTTP/2 forbids (§8.2.2): they belong to one HTTP/1.1 connection.</summary>
    public static bool IsConnectionSpecific(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("connection"u8) || name.SequenceEqual("keep-alive"u8) || name.SequenceEqual("proxy-connection"u8)
        || name.SequenceEqual("transfer-encoding"u8) || name.SequenceEqual("upgrade"u8);
}
