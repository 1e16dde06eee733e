using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Canaria.Kubernetes.Client;

/// <summary>Builds the HTTP stack for a config: TLS (CA, client certificate, skip-verify) and bearer token (static, file or exec plugin).</summary>
internal static class KubeHttp
{
    public static HttpMessageHandler CreateHandler(KubeClientConfig config, TimeProvider time, ILogger? logger = null)
    {
        var exec = config.Exec is { } plugin ? new ExecCredentialProvider(plugin, time, logger ?? NullLogger.Instance) : null;
        var ssl = new SslClientAuthenticationOptions();
        if (config.TlsServerName is { Length: > 0 } serverName)
        {
            ssl.TargetHost = serverName;
        }
        if (config.ClientCertificatePem is { } certPem && config.ClientKeyPem is { } keyPem)
        {
            ssl.ClientCertificates = [X509Certificate2.CreateFromPem(certPem, keyPem)];
        }
        else if (exec is not null)
        {
            // The handler gets the plugin's credential before every request, so a new connection takes its current certificate.
            ssl.LocalCertificateSelectionCallback = (_, _, _, _, _) => exec.Current?.Certificate!;
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
        return new BearerTokenHandler(config, time, exec) { InnerHandler = sockets };
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

    /// <summary>
    /// Adds <c>Authorization: Bearer</c>; a token file is re-read once a minute (it rotates); an exec plugin's
    /// credential is cached by its provider, and a 401 runs the plugin again and retries the request once.
    /// </summary>
    private sealed class BearerTokenHandler(KubeClientConfig config, TimeProvider time, ExecCredentialProvider? exec) : DelegatingHandler
    {
        private string? _fileToken;
        private DateTimeOffset _readAt = DateTimeOffset.MinValue;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (exec is null)
            {
                SetToken(request, StaticToken());
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            var (credential, error) = await exec.GetAsync(null, cancellationToken).ConfigureAwait(false);
            if (credential is null)
            {
                throw new HttpRequestException(error);
            }
            SetToken(request, credential.Token);
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                return response;
            }
            (credential, error) = await exec.GetAsync(credential, cancellationToken).ConfigureAwait(false);
            if (credential is null)
            {
                response.Dispose();
                throw new HttpRequestException($"401 Unauthorized, and running the plugin again failed: {error}");
            }
            var retry = await CopyAsync(request, cancellationToken).ConfigureAwait(false);
            response.Dispose();
            SetToken(retry, credential.Token);
            return await base.SendAsync(retry, cancellationToken).ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                exec?.Dispose();
            }
            base.Dispose(disposing);
        }

        private string? StaticToken()
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
            return token;
        }

        private static void SetToken(HttpRequestMessage request, string? token)
        {
            if (!string.IsNullOrEmpty(token))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
        }

        /// <summary>A request can be sent only once; the retry is a copy (the client's bodies are buffered strings).</summary>
        private static async Task<HttpRequestMessage> CopyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version, VersionPolicy = request.VersionPolicy };
            foreach (var (name, values) in request.Headers)
            {
                copy.Headers.TryAddWithoutValidation(name, values);
            }
            if (request.Content is { } content)
            {
                copy.Content = new ByteArrayContent(await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
                foreach (var (name, values) in content.Headers)
                {
                    copy.Content.Headers.TryAddWithoutValidation(name, values);
                }
            }
            return copy;
        }
    }
}
