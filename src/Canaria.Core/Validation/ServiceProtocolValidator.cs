using Canaria.Core.Model;
using Canaria.Protocols;

namespace Canaria.Core.Validation;

/// <summary>Checks what a local service says about its protocol: TLS files and gRPC failure codes.</summary>
internal static class ServiceProtocolValidator
{
    public static void Validate(ServiceSpec service, Action<string, string> add)
    {
        if (!Enum.IsDefined(service.Protocol))
            add("spec.service.protocol", "must be http, http2 or grpc");

        if (service.Tls is { } tls)
        {
            RequireAbsolute(tls.CertificateFile, "spec.service.tls.certificateFile", "certificate", add);
            RequireAbsolute(tls.KeyFile, "spec.service.tls.keyFile", "private key", add);
        }

        if (service.GrpcFailureCodes is not { } codes)
            return;
        if (service.Protocol != ServiceProtocol.Grpc)
            add("spec.service.grpcFailureCodes", "applies to gRPC services only (set protocol: grpc)");
        for (var i = 0; i < codes.Count; i++)
        {
            if (GrpcCodes.FailureCodeError(codes[i]) is { } error)
                add($"spec.service.grpcFailureCodes[{i}]", error);
        }
    }

    /// <summary>The gateway runs in its own working directory, so a relative path would point elsewhere than the user meant.</summary>
    private static void RequireAbsolute(string path, string field, string what, Action<string, string> add)
    {
        if (string.IsNullOrWhiteSpace(path))
            add(field, $"names the PEM {what} file and is required with tls");
        else if (!Path.IsPathFullyQualified(path))
            add(field, $"'{path}' must be an absolute path (the gateway does not run in the directory the spec was written in)");
    }
}
