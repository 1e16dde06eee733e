using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Canaria.EndToEnd.Tests.Support;

/// <summary>Keeps every log line a controller writes (level, text, whether a stack trace came with it).</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Text, bool WithException)> Lines { get; } = new();

    public ILoggerFactory Factory() => LoggerFactory.Create(b => b.AddProvider(this).SetMinimumLevel(LogLevel.Information));

    public int Count(string contains) => Lines.Count(l => l.Text.Contains(contains, StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) owner.Lines.Enqueue((logLevel, formatter(state, exception), exception is not null));
        }
    }
}
