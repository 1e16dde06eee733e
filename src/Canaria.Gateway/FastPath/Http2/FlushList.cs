namespace Canaria.Gateway.FastPath.Http2;

/// <summary>
/// The connections a loop wrote frames to while handling one received buffer: each gets one send at the end (so a unary
/// call's response head, message and trailers leave in one write, as do the window updates they cause upstream).
/// </summary>
internal sealed class FlushList
{
    private FrameOutput?[] _outputs = new FrameOutput?[4];
    private int _count;

    public void Add(FrameOutput output)
    {
        for (var i = 0; i < _count; i++)
        {
            if (ReferenceEquals(_outputs[i], output)) return;
        }

        if (_count == _outputs.Length) Array.Resize(ref _outputs, _count * 2);
        _outputs[_count++] = output;
    }

    public void FlushAll()
    {
        // Taken off the list first: a flush that completes inline may run a drained callback with its own list.
        while (_count > 0)
        {
            var output = _outputs[--_count]!;
            _outputs[_count] = null;
            output.Flush();
        }
    }
}
