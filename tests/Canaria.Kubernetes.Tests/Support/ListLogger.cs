using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Canaria.Kubernetes.Tests.Support;

/// <summary>Keeps the last log lines in memory so a failed wait can show what the controller said.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _all = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = $"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}";
        _lines.Enqueue(line);
        _all.Enqueue(line);
        while (_lines.Count > 40) _lines.TryDequeue(out _);
    }

    public string Tail() => string.Join("\n", _lines);

    /// <summary>Lines logged since the start (not only the last 40) that contain <paramref name="text"/>.</summary>
    public int CountContaining(string text) => _all.Count(l => l.Contains(text, StringComparison.Ordinal));
}
