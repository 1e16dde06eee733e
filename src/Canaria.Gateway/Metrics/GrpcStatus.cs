using System.Globalization;
using Canaria.Protocols;

namespace Canaria.Gateway.Metrics;

/// <summary>
/// gRPC status codes as the golden signals see them. A gRPC call answers HTTP 200 and tells its outcome in the
/// <c>grpc-status</c> trailer (or header, for a trailers-only answer); a call that ended with one of a service's
/// failure codes is recorded in the 5xx class (the code's usual HTTP mapping: UNAVAILABLE 503, DEADLINE_EXCEEDED 504,
/// others 500), so every reader of the signals (success rate, Prometheus, analysis, <c>stat</c>) counts it as a failure.
/// </summary>
internal static class GrpcStatus
{
    public const int Ok = 0;
    public const int Unknown = 2;
    public const int DeadlineExceeded = 4;
    public const int Unavailable = 14;

    /// <summary>The default failure codes (<see cref="GrpcCodes.DefaultFailures"/>) as a mask.</summary>
    public static int DefaultFailureMask { get; } = MaskOf(GrpcCodes.DefaultFailures);

    /// <summary>Bit <c>c</c> set for each code of <paramref name="codes"/> (all must parse; see <see cref="GrpcCodes.TryParse"/>).</summary>
    public static int MaskOf(IEnumerable<string> codes)
    {
        var mask = 0;
        foreach (var text in codes)
        {
            if (GrpcCodes.TryParse(text, out var code))
            {
                mask |= 1 << code;
            }
        }

        return mask;
    }

    /// <summary>
    /// The value of a <c>grpc-status</c> field: its code, or UNKNOWN when it is not a known code (as gRPC clients read
    /// it); null when the field is absent.
    /// </summary>
    public static int? Read(string? value)
    {
        if (value is null)
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code < GrpcCodes.Names.Count ? code : Unknown;
    }

    /// <summary>The status to record for an answer: <paramref name="httpStatus"/>, or the 5xx a failed gRPC call maps to.</summary>
    public static int StatusToRecord(int httpStatus, int? grpcStatus, int failureMask)
    {
        if (grpcStatus is not { } code || (failureMask & (1 << code)) == 0 || httpStatus >= 500)
        {
            return httpStatus;
        }

        return code switch
        {
            Unavailable => 503,
            DeadlineExceeded => 504,
            _ => 500,
        };
    }
}
