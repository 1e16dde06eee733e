using System.Buffers;

namespace Canaria.Gateway.FastPath.Http2;

/// <summary>
/// DATA bytes of one stream and direction waiting for the receiver's window. Bounded by the window the gateway granted
/// the sender (it grants more only once bytes leave this queue), so it never holds more than <see cref="Http2Wire.StreamWindow"/>
/// and a little; its buffer is pooled and returned when the queue empties.
/// </summary>
internal struct ByteQueue
{
    private byte[]? _buffer;
    private int _start;
    private int _end;

    public readonly int Length => _end - _start;

    public readonly ReadOnlySpan<byte> Peek(int max) => _buffer.AsSpan(_start, Math.Min(max, _end - _start));

    public void Enqueue(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(bytes.Length, 16 * 1024));
        }
        else if (_buffer.Length - _end < bytes.Length)
        {
            var length = _end - _start;
            var target = length + bytes.Length <= _buffer.Length ? _buffer : ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, length + bytes.Length));
            _buffer.AsSpan(_start, length).CopyTo(target);
            if (!ReferenceEquals(target, _buffer)) ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = target;
            _start = 0;
            _end = length;
        }

        bytes.CopyTo(_buffer.AsSpan(_end));
        _end += bytes.Length;
    }

    public void Dequeue(int count)
    {
        _start += count;
        if (_start == _end) Release();
    }

    public void Release()
    {
        if (_buffer is not null) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _start = _end = 0;
    }
}
