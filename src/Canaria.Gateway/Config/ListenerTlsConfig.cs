namespace Canaria.Gateway.Config;

/// <summary>
/// TLS termination on a listener from PEM files. The files are read again when they change (checked every
/// <see cref="ReloadInterval"/>): new handshakes use the new certificate, open connections keep theirs; a pair that
/// does not load (half written, key not matching) is ignored and the last good one stays in use.
/// </summary>
internal sealed record ListenerTlsConfig
{
    public string CertificateFile { get; set; } = "";

    public string KeyFile { get; set; } = "";

    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(2);
}
