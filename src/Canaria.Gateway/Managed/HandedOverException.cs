namespace Canaria.Gateway.Managed;

/// <summary>
/// The serving gateway refused a takeover or lend because it already handed its listening sockets to a successor
/// (<see cref="Successor"/>) and is draining: it no longer serves new connections. Any other refusal, a timeout or an
/// I/O error says nothing about whether it still serves.
/// </summary>
internal sealed class HandedOverException(int successor, string message) : IOException(message)
{
    public int Successor { get; } = successor;
}
