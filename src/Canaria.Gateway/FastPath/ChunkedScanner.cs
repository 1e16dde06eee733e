namespace Canaria.Gateway.FastPath;

/// <summary>
/// Follows chunked framing (RFC 9112 §7.1) over bytes that are forwarded verbatim, to find where the message ends and
/// to refuse bad framing: a chunk size that is not hex or overflows, a missing CRLF after a size line or chunk data,
/// control bytes in an extension or trailer. One instance per connection direction, reset per message.
/// </summary>
internal struct ChunkedScanner
{
    private const int MaxLineBytes = 4096;
    private State _state;
    private long _remaining;
    private int _lineBytes;
    private bool _sawDigit;

    private enum State : byte
    {
        Size,
        Extension,
        SizeLf,
        Data,
        DataCr,
        DataLf,
        TrailerStart,
        Trailer,
        TrailerLf,
        FinalLf,
        Done,
        Error,
    }

    public readonly bool IsDone => _state == State.Done;

    public readonly bool IsError => _state == State.Error;

    public void Reset() => this = default;

    /// <summary>Scans <paramref name="data"/>; returns how many bytes belong to the message (all, unless it ended inside).</summary>
    public int Scan(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length && _state is not (State.Done or State.Error))
        {
            if (_state == State.Data)
            {
                var take = (int)Math.Min(_remaining, data.Length - i);
                i += take;
                _remaining -= take;
                if (_remaining == 0) _state = State.DataCr;
                continue;
            }

            Step(data[i++]);
        }

        return i;
    }

    private void Step(byte b)
    {
        if (_state is State.Size or State.Extension or State.Trailer && ++_lineBytes > MaxLineBytes)
        {
            _state = State.Error;
            return;
        }

        _state = _state switch
        {
            State.Size => SizeByte(b),
            State.Extension => b == (byte)'\r' ? State.SizeLf : HttpAscii.IsFieldValueByte(b) ? State.Extension : State.Error,
            State.SizeLf => b != (byte)'\n' ? State.Error : EndSizeLine(),
            State.DataCr => b == (byte)'\r' ? State.DataLf : State.Error,
            State.DataLf => b == (byte)'\n' ? NextSize() : State.Error,
            State.TrailerStart => b == (byte)'\r' ? State.FinalLf : HttpAscii.IsToken(b) ? State.Trailer : State.Error,
            State.Trailer => b == (byte)'\r' ? State.TrailerLf : HttpAscii.IsFieldValueByte(b) ? State.Trailer : State.Error,
            State.TrailerLf => b == (byte)'\n' ? NextTrailer() : State.Error,
            State.FinalLf => b == (byte)'\n' ? State.Done : State.Error,
            _ => State.Error,
        };
    }

    private State SizeByte(byte b)
    {
        var digit = b switch
        {
            >= (byte)'0' and <= (byte)'9' => b - '0',
            >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
            >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
            _ => -1,
        };
        if (digit >= 0)
        {
            if (_remaining > (long.MaxValue >> 5)) return State.Error;
            _remaining = (_remaining << 4) | (long)digit;
            _sawDigit = true;
            return State.Size;
        }

        if (!_sawDigit) return State.Error;
        return b switch
        {
            (byte)'\r' => State.SizeLf,
            (byte)';' or (byte)' ' or (byte)'\t' => State.Extension,
            _ => State.Error,
        };
    }

    private State EndSizeLine()
    {
        _lineBytes = 0;
        return _remaining > 0 ? State.Data : State.TrailerStart;
    }

    private State NextSize()
    {
        _lineBytes = 0;
        _sawDigit = false;
        _remaining = 0;
        return State.Size;
    }

    private State NextTrailer()
    {
        _lineBytes = 0;
        return State.TrailerStart;
    }
}
