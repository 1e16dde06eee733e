namespace Canaria.Local.Gateway;

/// <summary>A managed gateway's answer to <c>GET /healthz</c>.</summary>
internal sealed record GatewayHealth(string Instance, int Pid, string Build, int Generation);
