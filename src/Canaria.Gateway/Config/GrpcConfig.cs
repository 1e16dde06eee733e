namespace Canaria.Gateway.Config;

/// <summary>
/// Marks a service as gRPC: its versions default to HTTP/2 upstream, and a call whose <c>grpc-status</c> is in
/// <see cref="FailureCodes"/> counts as a failure of the version (the gateway reads <c>grpc-status</c> of any
/// <c>application/grpc</c> response, with the default codes, even without this section).
/// </summary>
internal sealed record GrpcConfig
{
    /// <summary>Status code names (<c>UNAVAILABLE</c>) or numbers (<c>14</c>); null: <see cref="Canaria.Protocols.GrpcCodes.DefaultFailures"/>.</summary>
    public IReadOnlyList<string>? FailureCodes { get; init; }
}
