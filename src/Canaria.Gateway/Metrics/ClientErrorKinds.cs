namespace Canaria.Gateway.Metrics;

/// <summary>The label value of each <see cref="ClientErrorKind"/> (Prometheus <c>reason</c> label).</summary>
internal static class ClientErrorKinds
{
    public const int Count = 3;

    public static IReadOnlyList<ClientErrorKind> All { get; } = [ClientErrorKind.BadRequestBody, ClientErrorKind.Aborted, ClientErrorKind.NoRoute];

    public static string Label(ClientErrorKind kind) => kind switch
    {
        ClientErrorKind.BadRequestBody => "bad_request_body",
        ClientErrorKind.Aborted => "client_aborted",
        ClientErrorKind.NoRoute => "no_route",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
