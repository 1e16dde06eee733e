namespace Canaria.Kubernetes.Client;

/// <summary>
/// Where the API server is and how to authenticate to it. Never printed with its secrets:
/// <see cref="ToString"/> names only the server, the namespace and which credentials are present.
/// </summary>
internal sealed record KubeClientConfig
{
    public required Uri Server { get; init; }
    public string Namespace { get; init; } = "default";
    public string? Token { get; init; }
    /// <summary>Re-read on every request after a minute (service-account tokens rotate).</summary>
    public string? TokenFile { get; init; }
    /// <summary>A credential plugin that prints a token or client certificate (kubeconfig <c>user.exec</c>).</summary>
    public ExecPluginConfig? Exec { get; init; }
    public string? ClientCertificatePem { get; init; }
    public string? ClientKeyPem { get; init; }
    /// <summary>One or more PEM certificates the server's chain must end in; null means the system roots.</summary>
    public string? CertificateAuthorityPem { get; init; }
    public bool InsecureSkipTlsVerify { get; init; }
    public string? TlsServerName { get; init; }
    /// <summary>Client-side rate limit: requests per second, and how many may burst.</summary>
    public double Qps { get; init; } = 50;
    public int Burst { get; init; } = 100;
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public string? UserAgent { get; init; } = "canaria";

    public override string ToString() =>
        $"KubeClientConfig {{ Server = {Server}, Namespace = {Namespace}, Token = {((Token ?? TokenFile) is null ? "none" : "set")}, " +
        $"Exec = {(Exec is null ? "none" : Exec.Command)}, " +
        $"ClientCertificate = {(ClientCertificatePem is null ? "none" : "set")}, CA = {(CertificateAuthorityPem is null ? "system" : "set")}, " +
        $"InsecureSkipTlsVerify = {InsecureSkipTlsVerify} }}";
}

/// <summary>The outcome of loading a config: the config, or why there is none.</summary>
internal sealed record KubeConfigResult(KubeClientConfig? Config, string? Error)
{
    public bool IsSuccess => Config is not null;
    public static KubeConfigResult Ok(KubeClientConfig config) => new(config, null);
    public static KubeConfigResult Fail(string error) => new(null, error);
}
