namespace Canaria.Cli.Demo;

/// <summary>The rollout the demo releases three times: v1 (first deploy), v2 (healthy canary), v3 (20% errors).</summary>
internal static class DemoSpecs
{
    public const string Name = "demo";

    public static string Rollout(string version, double errorRate) => $$"""
        apiVersion: canaria.dev/v1alpha1
        kind: Rollout
        metadata:
          name: {{Name}}
        spec:
          replicas: 3
          service:
            name: demo
            listen: 127.0.0.1:0
          template:
            version: {{version}}
            command: "{canaria} sample-app --port {port} --version {version} --instance {instance}"
            env:
              SAMPLE_ERROR_RATE: "{{errorRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}}"
            readiness:
              path: /healthz
              period: 250ms
          strategy:
            canary:
              steps:
                - traffic: 10
                  pause: {duration: 3s}
                - traffic: 30
                  pause: {duration: 3s}
                - traffic: 60
                  pause: {duration: 3s}
          analysis:
            interval: 2s
            minRequests: 20
            failureLimit: 0
            checks:
              - name: errors-vs-stable
                compare: stable
              - name: success-rate
                metric: successRate
                min: 0.95
              - name: latency-p99
                metric: latencyP99
                max: 1000
          progressDeadline: 60s
          scaleDownDelay: 3s
        """;
}
