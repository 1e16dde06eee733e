using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Canaria.Gateway.Config;
using Microsoft.Extensions.Logging;

namespace Canaria.Gateway.Hosting;

/// <summary>
/// The certificate a TLS listener serves, read from PEM files and read again when they change. Each handshake asks
/// for <see cref="Current"/>, so a rotation takes effect for new connections at once while open ones keep theirs.
/// A changed pair that does not load (half written, key of another certificate) is not used; it is tried again at
/// every check until it loads, and the last good certificate stays in service meanwhile.
/// </summary>
internal sealed class CertificateReloader : IDisposable
{
    private readonly string _listener;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private ListenerTlsConfig _config;
    private (DateTime, long, DateTime, long) _stamp;
    private X509Certificate2 _current;

    private CertificateReloader(string listener, ListenerTlsConfig config, X509Certificate2 first, (DateTime, long, DateTime, long) stamp, TimeProvider time, ILogger logger)
    {
        _listener = listener;
        _config = config;
        _current = first;
        _stamp = stamp;
        _logger = logger;
        _timer = time.CreateTimer(_ => Check(), null, config.ReloadInterval, config.ReloadInterval);
    }

    public X509Certificate2 Current => Volatile.Read(ref _current);

    public ListenerTlsConfig Config => Volatile.Read(ref _config);

    /// <summary>Loads the pair and starts watching it; null and an error naming what is wrong when it does not load.</summary>
    public static CertificateReloader? TryStart(string listener, ListenerTlsConfig config, TimeProvider time, ILogger logger, out string? error)
    {
        var stamp = Stamp(config);
        if (!TryLoad(config, out var certificate, out error))
        {
            return null;
        }

        GatewayLog.CertificateLoaded(logger, listener, certificate.Subject, certificate.NotAfter.ToUniversalTime(), config.CertificateFile);
        return new CertificateReloader(listener, config, certificate, stamp, time, logger);
    }

    /// <summary>Points the listener at other files (a new config); the caller has checked that they load.</summary>
    public void Update(ListenerTlsConfig config)
    {
        if (config == Config)
        {
            return;
        }

        Volatile.Write(ref _config, config);
        _stamp = default;
        _timer.Change(TimeSpan.Zero, config.ReloadInterval);
    }

    /// <summary>Tries to load a pair (certificate and matching private key, PEM); the error names what failed.</summary>
    public static bool TryLoad(ListenerTlsConfig config, out X509Certificate2 certificate, out string? error)
    {
        certificate = null!;
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(config.CertificateFile, config.KeyFile);

            // Re-imported so the key is usable by SslStream on every platform, and the PEM object can be released.
            certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            error = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            error = e.Message;
            return false;
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Check()
    {
        var config = Config;
        var stamp = Stamp(config);
        if (stamp == _stamp)
        {
            return;
        }

        if (!TryLoad(config, out var certificate, out var error))
        {
            GatewayLog.CertificateReloadFailed(_logger, _listener, error ?? "");
            return;
        }

        _stamp = stamp;
        Volatile.Write(ref _current, certificate);
        GatewayLog.CertificateLoaded(_logger, _listener, certificate.Subject, certificate.NotAfter.ToUniversalTime(), config.CertificateFile);
    }

    private static (DateTime, long, DateTime, long) Stamp(ListenerTlsConfig config)
    {
        var cert = new FileInfo(config.CertificateFile);
        var key = new FileInfo(config.KeyFile);
        return (cert.Exists ? cert.LastWriteTimeUtc : default, cert.Exists ? cert.Length : -1, key.Exists ? key.LastWriteTimeUtc : default, key.Exists ? key.Length : -1);
    }
}
