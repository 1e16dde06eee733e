using Canaria.Protocols;

namespace Canaria.Gateway.Config;

/// <summary>Checks the protocol parts of a config: listener protocols and TLS files, gRPC failure codes.</summary>
internal static class ProtocolValidator
{
    public static void ValidateListener(ListenerConfig listener, string at, List<ConfigError> errors)
    {
        if (!Enum.IsDefined(listener.Protocols))
        {
            errors.Add(new(at + ".protocols", "must be http1AndHttp2, http1 or http2"));
        }

        if (listener.Tls is not { } tls)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(tls.CertificateFile))
        {
            errors.Add(new(at + ".tls.certificateFile", "a TLS listener needs a PEM certificate file"));
        }

        if (string.IsNullOrWhiteSpace(tls.KeyFile))
        {
            errors.Add(new(at + ".tls.keyFile", "a TLS listener needs a PEM private key file"));
        }

        if (tls.ReloadInterval < TimeSpan.FromMilliseconds(100) || tls.ReloadInterval > TimeSpan.FromHours(1))
        {
            errors.Add(new(at + ".tls.reloadInterval", "must be between 100ms and 1h"));
        }
    }

    public static void ValidateGrpc(GrpcConfig? grpc, string at, List<ConfigError> errors)
    {
        if (grpc?.FailureCodes is not { } codes)
        {
            return;
        }

        for (var i = 0; i < codes.Count; i++)
        {
            if (GrpcCodes.FailureCodeError(codes[i]) is { } error)
            {
                errors.Add(new($"{at}.failureCodes[{i}]", error));
            }
        }
    }
}
