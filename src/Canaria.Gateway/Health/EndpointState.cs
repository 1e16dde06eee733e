using Canaria.Gateway.Config;

namespace Canaria.Gateway.Health;

/// <summary>
/// One backend address and its live state: requests in flight, consecutive connect failures, ejection
/// deadline (passive health) and the last active-probe verdict. Shared across snapshots, lock-free.
/// </summary>
internal sealed class EndpointState
{
    private int _inFlight;
    private int _consecutiveFailures;
    private long _ejectedUntil = long.MinValue;
    private volatile bool _probeDown;

    public EndpointState(string address)
    {
        Address = address;
        if (!EndpointAddress.TrySplit(address, out var host, out var port, out var error))
        {
            throw new ArgumentException(error, nameof(address));
        }

        Host = host;
        Port = port;
        var uriHost = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        Authority = $"{uriHost}:{port}";
        BaseUrl = $"http://{Authority}";
    }

    public string Address { get; }

    public string Host { get; }

    public int Port { get; }

    /// <summary><c>host:port</c> as used in a URI and in the Host header.</summary>
    public string Authority { get; }

    /// <summary><c>http://host:port</c>, without a trailing slash.</summary>
    public string BaseUrl { get; }

    public int InFlight => Volatile.Read(ref _inFlight);

    public bool ProbeDown => _probeDown;

    public bool IsEjected(long now) => now < Volatile.Read(ref _ejectedUntil);

    public bool IsAvailable(long now) => !_probeDown && now >= Volatile.Read(ref _ejectedUntil);

    public void RequestStarted() => Interlocked.Increment(ref _inFlight);

    public void RequestEnded() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Counts a failed connect; returns true when this failure ejected the endpoint.</summary>
    public bool ReportConnectFailure(int threshold, long ejectForTicks, long now)
    {
        if (Interlocked.Increment(ref _consecutiveFailures) < threshold)
        {
            return false;
        }

        Volatile.Write(ref _consecutiveFailures, 0);
        Volatile.Write(ref _ejectedUntil, now + ejectForTicks);
        return true;
    }

    public void ReportSuccess()
    {
        if (Volatile.Read(ref _consecutiveFailures) != 0)
        {
            Volatile.Write(ref _consecutiveFailures, 0);
        }
    }

    public void ReportProbe(bool healthy) => _probeDown = !healthy;
}
