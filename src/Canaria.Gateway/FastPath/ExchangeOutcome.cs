using Canaria.Gateway.Metrics;

namespace Canaria.Gateway.FastPath;

/// <summary>How a forwarded request ended: the status recorded for the version (or a client error), and whether the client connection may serve another request.</summary>
internal readonly record struct ExchangeOutcome(int Status, ClientErrorKind? ClientError, bool KeepAlive);
