namespace Canaria.Gateway.FastPath.Http2;

/// <summary>
/// The last few stream ids an endpoint reset (a ring): frames the peer sent on them before it saw the reset are ignored,
/// as RFC 9113 §5.1 asks, instead of failing the whole connection. Looked up only on frames for streams no longer open.
/// </summary>
internal sealed class RecentIds(int capacity)
{
    private readonly int[] _ids = new int[capacity];
    private int _next;

    public void Add(int id)
    {
        _ids[_next] = id;
        _next = (_next + 1) % _ids.Length;
    }

    public bool Contains(int id) => id != 0 && Array.IndexOf(_ids, id) >= 0;
}
