using System.Globalization;

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

    private static readonly string[] Names =
    [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
        "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ];

    /// <summary>
    /// Codes that mean the server failed, not that the caller asked for something wrong: UNKNOWN, DEADLINE_EXCEEDED,
    /// UNIMPLEMENTED (a method the new version lost), INTERNAL, UNAVAILABLE, DATA_LOSS. Client-side outcomes
    /// (INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, CANCELLED, ...) are answers, as HTTP 4xx are.
    /// </summary>
    public static IReadOnlyList<string> DefaultFailureCodes { get; } = ["UNKNOWN", "DEADLINE_EXCEEDED", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS"];

    public static int DefaultFailureMask { get; } = MaskOf(DefaultFailureCodes);

    /// <summary>A code by name (any case) or number 0..16; false for anything else.</summary>
    public static bool TryParseCode(string? text, out int code)
    {
        code = -1;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            code = number;
            return number < Names.Length;
        }

        code = Array.FindIndex(Names, n => n.Equals(text.Trim(), StringComparison.OrdinalIgnoreCase));
        return code >= 0;
    }

    /// <summary>Bit <c>c</c> set for each code of <paramref name="codes"/> (all must parse; see <see cref="TryParseCode"/>).</summary>
    public static int MaskOf(IEnumerable<string> codes)
    {
        var mask = 0;
        foreach (var text in codes)
        {
            if (TryParseCode(text, out var code))
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

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code < Names.Length ? code : Unknown;
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
