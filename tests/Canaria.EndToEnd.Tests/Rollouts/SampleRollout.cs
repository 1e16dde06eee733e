using System.Globalization;

namespace Canaria.EndToEnd.Tests.Rollouts;

/// <summary>Rollout specs whose replicas are the real sample app (Canaria.SampleApp.dll from the test output).</summary>
internal static class SampleRollout
{
    public static string SampleAppDll
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "Canaria.SampleApp.dll");
            Assert.True(File.Exists(path), $"{path} is missing from the test output: the build did not copy the sample app");
            return path;
        }
    }

    /// <summary>
    /// A rollout spec. <paramref name="strategy"/> is the YAML under spec.strategy (indented by the caller
    /// with 4 spaces); <paramref name="extra"/> is appended under spec (e.g. analysis:); <paramref name="protocol"/>
    /// is spec.service.protocol (grpc and http2 run the sample app with <c>--protocol h2c</c>).
    /// </summary>
    public static string Spec(string name, string version, string strategy, int replicas = 2, double errorRate = 0,
        string extra = "", string scaleDownDelay = "1s", string protocol = "http")
    {
        var appProtocol = protocol == "http" ? "http" : "h2c";
        var rate = errorRate.ToString(CultureInfo.InvariantCulture);
        return $$"""
            apiVersion: canaria.dev/v1alpha1
            kind: Rollout
            metadata:
              name: {{name}}
            spec:
              replicas: {{replicas}}
              service:
                name: {{name}}
                listen: 127.0.0.1:0
                protocol: {{protocol}}
              template:
                version: {{version}}
                command: "dotnet '{{SampleAppDll}}' --port {port} --version {version} --instance {instance} --protocol {{appProtocol}}"
                env:
                  SAMPLE_ERROR_RATE: "{{rate}}"
                readiness:
                  path: /healthz
                  period: 250ms
              strategy:
            {{strategy}}
              progressDeadline: 60s
              scaleDownDelay: {{scaleDownDelay}}
            {{extra}}
            """;
    }

    /// <summary>Canary steps, each "traffic N, pause {}" (a manual pause).</summary>
    public static string ManualCanarySteps(params int[] traffic) =>
        "    canary:\n      steps:\n" + string.Concat(traffic.Select(t => $"        - traffic: {t}\n          pause: {{}}\n")).TrimEnd('\n');
}
