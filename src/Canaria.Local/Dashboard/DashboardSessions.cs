using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Canaria.Local.Dashboard;

/// <summary>
/// Dashboard sessions, in memory: a random id (the HttpOnly cookie) and a random CSRF token per session, which every
/// operation must carry in a header. At most <see cref="MaxSessions"/> live at once (the oldest goes), each ends after
/// <see cref="IdleTimeout"/> without a request or <see cref="MaxAge"/> after login. A controller restart ends them all.
/// </summary>
internal sealed class DashboardSessions(TimeProvider time)
{
    public const int MaxSessions = 32;
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromHours(8);
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(24);

    private readonly ConcurrentDictionary<string, DashboardSession> _sessions = new(StringComparer.Ordinal);

    public DashboardSession Create()
    {
        var now = time.GetUtcNow();
        foreach (var old in _sessions.Values.OrderBy(s => s.CreatedAt).Take(Math.Max(0, _sessions.Count - MaxSessions + 1)).ToList())
            _sessions.TryRemove(old.Id, out _);
        var session = new DashboardSession(RandomValue(), RandomValue(), now) { LastSeen = now };
        _sessions[session.Id] = session;
        return session;
    }

    /// <summary>The live session with this id (its idle clock restarts), or null.</summary>
    public DashboardSession? Find(string? id)
    {
        if (string.IsNullOrEmpty(id) || !_sessions.TryGetValue(id, out var session)) return null;
        var now = time.GetUtcNow();
        if (now - session.LastSeen > IdleTimeout || now - session.CreatedAt > MaxAge)
        {
            _sessions.TryRemove(id, out _);
            return null;
        }
        session.LastSeen = now;
        return session;
    }

    public void End(string id) => _sessions.TryRemove(id, out _);

    private static string RandomValue() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
