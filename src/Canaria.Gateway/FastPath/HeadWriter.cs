using System.Buffers.Text;
using System.Text;

namespace Canaria.Gateway.FastPath;

/// <summary>Appends head bytes to a buffer. Callers size the buffer for the largest head they may write.</summary>
internal ref struct HeadWriter(Span<byte> buffer, int position)
{
    private readonly Span<byte> _buffer = buffer;

    public int Position { get; private set; } = position;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer[Position..]);
        Position += bytes.Length;
    }

    public void Write(string ascii) => Position += Encoding.Latin1.GetBytes(ascii, _buffer[Position..]);

    public void Write(long number)
    {
        Utf8Formatter.TryFormat(number, _buffer[Position..], out var written);
        Position += written;
    }

    public void Header(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        Write(name);
        Write(": "u8);
        Write(value);
        Write("\r\n"u8);
    }

    /// <summary>A header line exactly as it arrived (name, colon, value), without re-encoding.</summary>
    public void Verbatim(ReadOnlySpan<byte> head, in HeaderField field)
    {
        Write(head[field.NameStart..(field.ValueStart + field.ValueLength)]);
        Write("\r\n"u8);
    }
}
