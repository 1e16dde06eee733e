using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Canaria.Kubernetes.Client;

/// <summary>Builds the HTTP stack for a config: TLS (CA, client certificate, skip-verify) and bearer token.</summary>
internal static class KubeHttp
{
    public static HttpMessageHandler CreateHandler(KubeClientConfig config, TimeProvider time)
    {
        var ssl = new SslClientAuthenticationOptions();
        if (config.TlsServerName is { Length: > 0 } serverName)
        {
            ssl.TargetHost = serverName;
        }
        if (config.ClientCertificatePem is { } certPem && config.ClientKeyPem is { } keyPem)
        {
            ssl.ClientCertificates = [X509Certificate2.CreateFromPem(certPem, keyPem)];
        }
        if (config.InsecureSkipTlsVerify)
        {
            // The user asked for it in the kubeconfig (insecure-skip-tls-verify: true).
#pragma warning disable CA5359
            ssl.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (config.CertificateAuthorityPem is { } caPem)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPem(caPem);
            ssl.RemoteCertificateValidationCallback = (_, cert, _, errors) => Validate(cert, errors, roots);
        }
        var sockets = new SocketsHttpHandler
        {
            SslOptions = ssl,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            EnableMultipleHttp2Connections = true,
        };
        return new BearerTokenHandler(config, time) { InnerHandler = sockets };
    }

    private static bool Validate(X509Certificate? cert, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (cert is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(cert);
        return chain.Build(leaf);
    }

    /// <summary>Adds <c>Authorization: Bearer</c>; a token file is re-read once a minute (it rotates).</summary>
    private sealed class BearerTokenHandler(KubeClientConfig config, TimeProvider time) : DelegatingHandler
    {
        private string? _fileToken;
        private DateTimeOffset _readAt = DateTimeOffset.MinValue;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var token = config.Token;
            if (token is null && config.TokenFile is { } file)
            {
                var now = time.GetUtcNow();
                if (_fileToken is null || now - _readAt > TimeSpan.FromMinutes(1))
                {
                    _fileToken = File.ReadAllText(file).Trim();
                    _readAt = now;
                }
                token = _fileToken;
            }
            if (!string.IsNullOrEmpty(token))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}
