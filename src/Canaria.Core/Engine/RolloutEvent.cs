namespace Canaria.Core.Engine;

internal enum EventType
{
    Normal,
    Warning,
}

/// <summary>Something the engine decided, with its reason, for history and the terminal.</summary>
internal sealed record RolloutEvent(DateTimeOffset At, EventType Type, string Reason, string Message);
