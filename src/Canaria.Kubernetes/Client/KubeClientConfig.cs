using k8s;

namespace Canaria.Kubernetes.Client;

/// <summary>
/// Where the API server is and how to authenticate to it (<see cref="Kube"/>, loaded by the official client from a
/// kubeconfig or the pod's service account), plus what that client lacks: a client-side rate limit and a per-request
/// timeout. Never printed with its secrets: <see cref="ToString"/> names only the server, the namespace and which
/// credentials are present.
/// </summary>
public sealed record KubeClientConfig
{
    public required KubernetesClientConfiguration Kube { get; init; }

    public Uri Server => new(Kube.Host);

    public string Namespace => string.IsNullOrEmpty(Kube.Namespace) ? "default" : Kube.Namespace.Trim();

    /// <summary>Client-side rate limit: requests per second, and how many may burst.</summary>
    public double Qps { get; init; } = 50;
    public int Burst { get; init; } = 100;
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public string? UserAgent { get; init; } = "canaria";

    public override string ToString() =>
        $"KubeClientConfig {{ Server = {Kube.Host}, Namespace = {Namespace}, " +
        $"Token = {(Kube.AccessToken is null && Kube.TokenProvider is null ? "none" : "set")}, " +
        $"ClientCertificate = {((Kube.ClientCertificateData ?? Kube.ClientCertificateFilePath) is null ? "none" : "set")}, " +
        $"CA = {(Kube.SslCaCerts is null ? "system" : "set")}, InsecureSkipTlsVerify = {Kube.SkipTlsVerify} }}";
}

/// <summary>The outcome of loading a config: the config, or why there is none.</summary>
public sealed record KubeConfigResult(KubeClientConfig? Config, string? Error)
{
    public bool IsSuccess => Config is not null;
    public static KubeConfigResult Ok(KubeClientConfig config) => new(config, null);
    public static KubeConfigResult Fail(string error) => new(null, error);
}
