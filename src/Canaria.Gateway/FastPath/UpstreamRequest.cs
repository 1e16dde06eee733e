using Canaria.Gateway.Forwarding;
using Canaria.Gateway.Routing;

namespace Canaria.Gateway.FastPath;

/// <summary>
/// One request ready to forward: its request line without the version (method SP target), the upstream head written from
/// <see cref="UpstreamRequestWriter.RestStart"/> to <see cref="RestEnd"/> in <see cref="Out"/>, the route chosen, and whether
/// it may be sent again after it reached an upstream that answered nothing (<see cref="RequestReplay"/>).
/// </summary>
internal readonly record struct UpstreamRequest(
    ReadOnlyMemory<byte> Line, byte[] Out, int RestEnd, CompiledService Service, CompiledVersion Version, ResponseExtras Extras,
    byte[]? VersionHeader, ResponseHead Response, bool Repeatable);
