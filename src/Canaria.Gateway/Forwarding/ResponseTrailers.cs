using Microsoft.AspNetCore.Http;

namespace Canaria.Gateway.Forwarding;

/// <summary>
/// Relays an upstream's response trailers to the client when its protocol carries them (HTTP/2), and reads the
/// gRPC outcome: <c>grpc-status</c> from the trailers, or from the headers of a trailers-only answer.
/// </summary>
internal static class ResponseTrailers
{
    /// <summary>Call after the body was relayed. Returns the raw <c>grpc-status</c> of a gRPC answer, parsed; null if none.</summary>
    public static int? Relay(HttpContext context, HttpResponseMessage response)
    {
        var trailers = response.TrailingHeaders.NonValidated;
        if (trailers.Count > 0 && context.Response.SupportsTrailers())
        {
            foreach (var (name, values) in trailers)
            {
                context.Response.AppendTrailer(name, values.Count == 1 ? new Microsoft.Extensions.Primitives.StringValues(values.ToString()) : values.ToArray());
            }
        }

        var status = trailers.TryGetValues("grpc-status", out var fromTrailers) ? fromTrailers.ToString()
            : response.Headers.NonValidated.TryGetValues("grpc-status", out var fromHeaders) ? fromHeaders.ToString()
            : null;
        if (status is null && IsGrpc(response))
        {
            // A gRPC answer that ends without a status is broken (the upstream cut it short): gRPC clients see UNKNOWN.
            return Metrics.GrpcStatus.Unknown;
        }

        return Metrics.GrpcStatus.Read(status);
    }

    private static bool IsGrpc(HttpResponseMessage response) =>
        response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var type)
        && type.ToString().StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);
}
