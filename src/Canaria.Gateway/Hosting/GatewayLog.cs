using Microsoft.Extensions.Logging;

namespace Canaria.Gateway.Hosting;

/// <summary>Every log line the gateway writes. Nothing here ever carries a token or a request body.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(1, LogLevel.Information, "Gateway config applied: {Services} service(s), {Listeners} listener(s)")]
    public static partial void ConfigApplied(ILogger logger, int services, int listeners);

    [LoggerMessage(2, LogLevel.Warning, "Gateway config rejected, the previous config stays live: {Errors}")]
    public static partial void ConfigRejected(ILogger logger, string errors);

    [LoggerMessage(3, LogLevel.Information, "Listener {Name} bound on {Address}")]
    public static partial void ListenerBound(ILogger logger, string name, string address);

    [LoggerMessage(4, LogLevel.Information, "Listener {Name} unbound")]
    public static partial void ListenerUnbound(ILogger logger, string name);

    [LoggerMessage(5, LogLevel.Debug, "Connect failed for {Service}/{Version} at {Address}: {Detail}")]
    public static partial void ConnectFailed(ILogger logger, string service, string version, string address, string detail);

    [LoggerMessage(6, LogLevel.Warning, "Endpoint {Address} of {Service}/{Version} ejected for {EjectFor} after consecutive connect failures")]
    public static partial void EndpointEjected(ILogger logger, string service, string version, string address, TimeSpan ejectFor);

    [LoggerMessage(7, LogLevel.Debug, "Mirror request to {Address} failed: {Detail}")]
    public static partial void MirrorFailed(ILogger logger, string address, string detail);

    [LoggerMessage(8, LogLevel.Warning, "Active probe of {Address} ({Service}) now reports {State}")]
    public static partial void ProbeStateChanged(ILogger logger, string service, string address, string state);

    [LoggerMessage(9, LogLevel.Information, "Config file {Path} changed and was applied")]
    public static partial void ConfigFileApplied(ILogger logger, string path);

    [LoggerMessage(10, LogLevel.Warning, "Config file {Path} changed but was not applied: {Errors}")]
    public static partial void ConfigFileRejected(ILogger logger, string path, string errors);

    [LoggerMessage(11, LogLevel.Information, "Gateway admin API listening on {Address}")]
    public static partial void AdminListening(ILogger logger, string address);

    [LoggerMessage(12, LogLevel.Warning, "Gateway admin API disabled: {Reason}")]
    public static partial void AdminDisabled(ILogger logger, string reason);

    [LoggerMessage(13, LogLevel.Warning, "Stopping listener {Name} failed: {Detail}")]
    public static partial void ListenerStopFailed(ILogger logger, string name, string detail);

    [LoggerMessage(14, LogLevel.Debug, "Upstream {Address} of {Service}/{Version} failed: {Detail}")]
    public static partial void UpstreamFailed(ILogger logger, string service, string version, string address, string detail);

    [LoggerMessage(15, LogLevel.Debug, "Client error ({Reason}) on {Service}/{Version}, not counted against the version: {Detail}")]
    public static partial void ClientError(ILogger logger, string service, string version, string reason, string detail);

    [LoggerMessage(16, LogLevel.Information, "Listener {Name} now serves the certificate {Subject} (expires {NotAfter:u}) from {File}")]
    public static partial void CertificateLoaded(ILogger logger, string name, string subject, DateTime notAfter, string file);

    [LoggerMessage(17, LogLevel.Warning, "Listener {Name} keeps its current certificate: the changed files do not load yet ({Detail})")]
    public static partial void CertificateReloadFailed(ILogger logger, string name, string detail);
}
