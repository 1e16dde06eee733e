namespace Canaria.Gateway.FastPath;

/// <summary>
/// The string for a byte sequence, reused while the bytes stay the same (a keep-alive client sends the same Host, and
/// often the same path, on every request), so routing reads strings without allocating one per request.
/// </summary>
internal sealed class AsciiCache(bool unescape)
{
    private byte[] _bytes = new byte[64];
    private int _length = -1;
    private string _value = "";

    public string Get(ReadOnlySpan<byte> bytes)
    {
        if (_length == bytes.Length && bytes.SequenceEqual(_bytes.AsSpan(0, _length)))
        {
            return _value;
        }

        var text = System.Text.Encoding.Latin1.GetString(bytes);
        _value = unescape && bytes.Contains((byte)'%') ? Uri.UnescapeDataString(text) : text;
        if (bytes.Length > _bytes.Length)
        {
            _bytes = new byte[Math.Min(Math.Max(bytes.Length, _bytes.Length * 2), RequestHead.MaxHeadBytes)];
        }

        if (bytes.Length <= _bytes.Length)
        {
            bytes.CopyTo(_bytes);
            _length = bytes.Length;
        }
        else
        {
            _length = -1;
        }

        return _value;
    }
}
