using System.Globalization;
using System.Text.RegularExpressions;
using Canaria.Kubernetes.Client;

namespace Canaria.Bench.Scale;

/// <summary>
/// Counts requests at the kube-apiserver (its /metrics, apiserver_request_total) for the resources the Rollout
/// controller reads and writes, watches excluded. Nothing else touches them while the fleet is idle (the node player
/// and kube-controller-manager only act on changes; Leases are left out, both controllers renew theirs).
/// </summary>
internal sealed partial class ApiMetrics(KubeClientConfig config) : IDisposable
{
    private static readonly HashSet<string> Resources = new(StringComparer.Ordinal)
        { "rollouts", "deployments", "replicasets", "services", "pods", "events", "endpoints" };

    private readonly HttpClient _http = new(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true })
    {
        BaseAddress = new Uri(config.Kube.Host),
        DefaultRequestHeaders = { Authorization = new("Bearer", config.Kube.AccessToken) },
    };

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        var text = await _http.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken);
        long total = 0;
        foreach (Match m in RequestLine().Matches(text))
        {
            var labels = m.Groups["labels"].Value;
            string Get(string name) => Regex.Match(labels, $"(?:^|,){name}=\"([^\"]*)\"").Groups[1].Value;
            if (Get("verb") == "WATCH" || !Resources.Contains(Get("resource"))) continue;
            total += (long)double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        return total;
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex(@"^apiserver_request_total\{(?<labels>[^}]*)\} (?<value>\S+)$", RegexOptions.Multiline)]
    private static partial Regex RequestLine();
}
