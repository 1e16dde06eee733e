namespace Canaria.Core.Model;

/// <summary>PEM certificate and key files the gateway serves on the service's listener, read again when they change.</summary>
internal sealed record ServiceTlsSpec
{
    public string CertificateFile { get; init; } = "";

    public string KeyFile { get; init; } = "";
}
