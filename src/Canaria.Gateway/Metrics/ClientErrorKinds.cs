namespace Canaria.Gateway.Metrics;

/// <summary>The label value of each <see cref="ClientErrorKind"/> (Prometheus <c>reason</c> label, stat output).</summary>
internal static class ClientErrorKinds
{
    public const int Count = 4;

    public static IReadOnlyList<ClientErrorKind> All { get; } = [ClientErrorKind.Malformed, ClientErrorKind.BodyReadFailed, ClientErrorKind.Aborted, ClientErrorKind.NoRoute];

    public static string Label(ClientErrorKind kind) => kind switch
    {
        ClientErrorKind.Malformed => "malformed",
        ClientErrorKind.BodyReadFailed => "body_read_failed",
        ClientErrorKind.Aborted => "client_aborted",
        ClientErrorKind.NoRoute => "no_route",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
