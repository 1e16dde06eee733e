using Microsoft.AspNetCore.Http;

namespace Canaria.Gateway.Forwarding;

/// <summary>The gateway's own errors in gRPC's terms: HTTP 200 with <c>grpc-status</c> and <c>grpc-message</c> and no body.</summary>
internal static class GrpcErrors
{
    public static bool IsGrpcRequest(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    public static void WriteTrailersOnly(HttpResponse response, int httpStatus, string message)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        var code = httpStatus switch
        {
            StatusCodes.Status504GatewayTimeout or StatusCodes.Status408RequestTimeout => Metrics.GrpcStatus.DeadlineExceeded,
            StatusCodes.Status502BadGateway or StatusCodes.Status503ServiceUnavailable => Metrics.GrpcStatus.Unavailable,
            StatusCodes.Status404NotFound => 12,
            _ => 13,
        };
        response.Headers["grpc-status"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }
}
