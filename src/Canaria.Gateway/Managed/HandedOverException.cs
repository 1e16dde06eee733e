namespace Canaria.Gateway.Managed;

/// <summary>
/// The serving gateway refused a takeover or lend because it already handed its listening sockets to a successor (named
/// in the message) and is draining: it no longer serves new connections. Any other refusal, a timeout or an I/O error
/// says nothing about whether it still serves.
/// </summary>
internal sealed class HandedOverException(string message) : IOException(message);
