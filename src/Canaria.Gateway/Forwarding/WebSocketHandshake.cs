using Microsoft.AspNetCore.Http.Features;

namespace Canaria.Gateway.Forwarding;

/// <summary>An HTTP/2 WebSocket CONNECT being forwarded: the client's feature to accept it, and the key sent upstream.</summary>
internal sealed record WebSocketHandshake(IHttpExtendedConnectFeature Connect, string Key);
