namespace Canaria.Local.Tests.Support;

/// <summary>The start of a one-replica rollout named "shop" whose version is a fixed upstream URL (a test Kestrel server).</summary>
internal static class UpstreamRollout
{
    /// <summary>Everything up to spec.template; append the strategy and the rest, indented under spec.</summary>
    public static string Head(string version, Uri upstream) => $$"""
        apiVersion: canaria.dev/v1alpha1
        kind: Rollout
        metadata: {name: shop}
        spec:
          replicas: 1
          service: {name: shop, listen: "127.0.0.1:0"}
          template: {version: {{version}}, upstreams: ["{{upstream}}"]}

        """;
}
