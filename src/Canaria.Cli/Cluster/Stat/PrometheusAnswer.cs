namespace Canaria.Cli.Cluster.Stat;

/// <summary>
/// The answer to one query: the value per label value; or the reason it failed, with whether Prometheus answered
/// (it refused the query, e.g. 400 bad_data: exit 1) or could not be reached at all (exit 3).
/// </summary>
internal sealed record PrometheusAnswer(IReadOnlyDictionary<string, double>? Values, string? Error, bool Answered)
{
    public static PrometheusAnswer Unreachable(string error) => new(null, error, false);

    public static PrometheusAnswer Refused(string error) => new(null, error, true);
}
