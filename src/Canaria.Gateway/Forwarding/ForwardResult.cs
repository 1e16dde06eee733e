namespace Canaria.Gateway.Forwarding;

/// <summary>
/// How one upstream attempt ended. <see cref="Detail"/> may name the upstream's address: it is for logs only,
/// never for a response body. <see cref="RequestBodyError"/> is set for <see cref="ForwardOutcome.RequestBodyFailed"/>.
/// </summary>
/// <see cref="GrpcStatus"/> is the relayed answer's <c>grpc-status</c> (trailer or header), null when it had none.
internal readonly record struct ForwardResult(ForwardOutcome Outcome, string? Detail = null, Exception? RequestBodyError = null, int? GrpcStatus = null);
