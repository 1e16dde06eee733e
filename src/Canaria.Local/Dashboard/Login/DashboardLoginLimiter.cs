using System.Net;

namespace Canaria.Local.Dashboard.Login;

/// <summary>
/// At most <see cref="AttemptsPerWindow"/> login attempts per client address in any <see cref="Window"/>, right or wrong,
/// so a token cannot be guessed at the speed of the loopback interface. Over the limit a login is answered 429 with the
/// seconds until the oldest attempt leaves the window. Memory is bounded: at most <see cref="MaxClients"/> addresses are
/// tracked (the longest idle goes first). On 127.0.0.1 every local user shares one address, so the limit is per machine.
/// </summary>
internal sealed class DashboardLoginLimiter(TimeProvider time)
{
    public const int AttemptsPerWindow = 10;
    public const int MaxClients = 1024;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> _attempts = new(StringComparer.Ordinal);

    /// <summary>How many client addresses are remembered now.</summary>
    public int Tracked
    {
        get
        {
            lock (_gate) return _attempts.Count;
        }
    }

    /// <summary>Counts an attempt from <paramref name="client"/>; null when it may go ahead, else how long to wait.</summary>
    public TimeSpan? Attempt(IPAddress? client)
    {
        var key = client?.ToString() ?? "";
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_attempts.TryGetValue(key, out var recent))
            {
                if (_attempts.Count >= MaxClients) Forget(now);
                _attempts[key] = recent = new Queue<DateTimeOffset>();
            }
            while (recent.Count > 0 && now - recent.Peek() >= Window) recent.Dequeue();
            if (recent.Count >= AttemptsPerWindow) return recent.Peek() + Window - now;
            recent.Enqueue(now);
            return null;
        }
    }

    /// <summary>Drops every client without an attempt in the window, and if none, the one whose newest attempt is oldest.</summary>
    private void Forget(DateTimeOffset now)
    {
        var idle = _attempts.Where(p => p.Value.Count == 0 || now - p.Value.Last() >= Window).Select(p => p.Key).ToList();
        if (idle.Count == 0) idle.Add(_attempts.MinBy(p => p.Value.Last()).Key);
        foreach (var key in idle) _attempts.Remove(key);
    }
}
