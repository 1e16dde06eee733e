namespace Canaria.Gateway.Managed;

/// <summary>What a managed gateway answers on <c>GET /healthz</c>: who it is, its program build and the config generation it serves.</summary>
internal sealed record ManagedHealthReply(string Instance, int Pid, string Build, int Generation);
