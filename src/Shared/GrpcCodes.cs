using System.Globalization;

namespace Canaria.Protocols;

/// <summary>
/// gRPC status codes by name and number, shared by the rollout spec (which validates a service's failure codes) and
/// the gateway (which counts them), so both accept exactly the same spellings.
/// </summary>
internal static class GrpcCodes
{
    public static IReadOnlyList<string> Names { get; } =
    [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
        "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ];

    /// <summary>
    /// Codes that mean the server failed, not that the caller asked for something wrong: UNKNOWN, DEADLINE_EXCEEDED,
    /// UNIMPLEMENTED (a method the new version lost), INTERNAL, UNAVAILABLE, DATA_LOSS. Outcomes the caller caused
    /// (INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, CANCELLED, ...) are answers, as HTTP 4xx are.
    /// </summary>
    public static IReadOnlyList<string> DefaultFailures { get; } = ["UNKNOWN", "DEADLINE_EXCEEDED", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS"];

    /// <summary>A code by name (any case) or number 0..16; false for anything else.</summary>
    public static bool TryParse(string? text, out int code)
    {
        code = -1;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            code = number;
            return number < Names.Count;
        }

        for (var i = 0; i < Names.Count; i++)
        {
            if (Names[i].Equals(text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                code = i;
                return true;
            }
        }

        return false;
    }

    /// <summary>Why <paramref name="text"/> cannot be a failure code, or null when it can.</summary>
    public static string? FailureCodeError(string? text) =>
        !TryParse(text, out var code) ? $"'{text}' is not a gRPC status code (a name like UNAVAILABLE or a number 0-16)"
        : code == 0 ? "OK is success and cannot be a failure code"
        : null;
}
