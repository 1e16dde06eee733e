using Microsoft.Extensions.Logging;

namespace Canaria.Local.Controller;

/// <summary>
/// Whether the state store can write, as the controller loop last found it. A failure is logged once per minute (with
/// how many attempts failed since), not on every tick; the first write that works again is logged once. While the
/// store fails, writes are tried at most once per <see cref="RetryEvery"/>, so a store that hangs (busy) cannot slow
/// the loop that must still send traffic back to stable.
/// </summary>
internal sealed class StoreHealth(TimeProvider time, ILogger logger)
{
    public static readonly TimeSpan LogEvery = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(1);

    private DateTimeOffset? _lastLogged;
    private DateTimeOffset _lastAttempt;
    private int _failuresSinceLog;
    private string? _failure;

    /// <summary>Why the last write failed, or null when the store works; safe to read from any thread.</summary>
    public string? Failure => Volatile.Read(ref _failure);

    /// <summary>False while the store fails and the last attempt is less than <see cref="RetryEvery"/> ago.</summary>
    public bool ShouldTry() => Failure is null || time.GetUtcNow() - _lastAttempt >= RetryEvery;

    public void Failed(string reason)
    {
        var now = time.GetUtcNow();
        _lastAttempt = now;
        Volatile.Write(ref _failure, reason);
        _failuresSinceLog++;
        if (_lastLogged is { } at && now - at < LogEvery) return;
        ControllerLog.StoreFailing(logger, reason, _failuresSinceLog);
        _lastLogged = now;
        _failuresSinceLog = 0;
    }

    public void Succeeded()
    {
        if (Failure is not { } was) return;
        ControllerLog.StoreRecovered(logger, was);
        Volatile.Write(ref _failure, null);
        _lastLogged = null;
        _failuresSinceLog = 0;
    }
}
