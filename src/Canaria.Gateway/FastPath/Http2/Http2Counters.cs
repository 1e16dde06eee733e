namespace Canaria.Gateway.FastPath.Http2;

/// <summary>How many h2c streams the HTTP/2 loop served itself and how many it forwarded to the Kestrel full path.</summary>
internal sealed class Http2Counters
{
    private long _fast;
    private long _fullPath;

    public long Fast => Interlocked.Read(ref _fast);

    public long FullPath => Interlocked.Read(ref _fullPath);

    public void CountFast() => Interlocked.Increment(ref _fast);

    public void CountFullPath() => Interlocked.Increment(ref _fullPath);
}
