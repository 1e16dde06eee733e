namespace Canaria.Core.Model;

/// <summary>Where a check reads its number.</summary>
internal enum MetricProvider
{
    /// <summary>The local gateway's golden signals (per version, per second).</summary>
    Gateway,

    /// <summary>A PromQL query over Prometheus' HTTP API.</summary>
    Prometheus,

    /// <summary>An HTTP GET/POST whose JSON answer holds the number.</summary>
    Web,
}

/// <summary>How a check compares the canary with stable over the same window.</summary>
internal enum CompareMethod
{
    /// <summary>Error rate by Wald's SPRT, evaluated on every controller tick.</summary>
    Sequential,

    /// <summary>Latency by a one-sided Mann-Whitney U test on the binned latencies.</summary>
    MannWhitney,

    /// <summary>Canary latency percentile at most a tolerance above stable's.</summary>
    Percentile,
}

internal sealed record CheckSpec
{
    public string Name { get; init; } = "";
    public MetricKind Metric { get; init; }

    /// <summary>The measured value must be at least this (e.g. success rate 0.99).</summary>
    public double? Min { get; init; }

    /// <summary>The measured value must be at most this (e.g. p99 500 ms).</summary>
    public double? Max { get; init; }

    public MetricProvider Provider { get; init; } = MetricProvider.Gateway;

    /// <summary>Prometheus: base address, e.g. http://127.0.0.1:9090.</summary>
    public string? Address { get; init; }

    /// <summary>Prometheus: PromQL with {{name}} {{namespace}} {{service}} {{version}} {{stableVersion}} {{window}}.</summary>
    public string? Query { get; init; }

    /// <summary>Prometheus: an instant query (one value) or a range query over the window (its worst value counts).</summary>
    public bool RangeQuery { get; init; }

    /// <summary>
    /// Prometheus/web: the least {{window}} a query gets (null: the default of <see cref="QueryWindow"/>). A measurement
    /// covers the last interval; a rate over it needs at least two scrapes, so Prometheus' window has a floor.
    /// </summary>
    public TimeSpan? Window { get; init; }

    /// <summary>Prometheus' default window floor: a rate needs two scrapes, and scrape intervals of 15-30 s are common.</summary>
    public static readonly TimeSpan DefaultPrometheusWindow = TimeSpan.FromMinutes(1);

    /// <summary>Web: the URL (same placeholders as a query), the HTTP method, an optional body and the JSON path of the number.</summary>
    public string? Url { get; init; }
    public string HttpMethod { get; init; } = "GET";
    public string? Body { get; init; }
    public string? JsonPath { get; init; }

    public AuthSpec? Auth { get; init; }

    /// <summary>Set for a comparison with stable (the gateway locally, Prometheus on Kubernetes); min/max are not used then.</summary>
    public CompareSpec? Compare { get; init; }

    /// <summary>Prometheus comparison: the per-side queries; null: the standard metrics of spec.trafficRouting's router.</summary>
    public CompareQueries? Queries { get; init; }

    /// <summary>Overrides of the analysis-wide settings; null means the analysis' value.</summary>
    public TimeSpan? Interval { get; init; }
    public int? FailureLimit { get; init; }
    public int? ConsecutiveErrorLimit { get; init; }

    /// <summary>Measurements per step at most (null: unlimited).</summary>
    public int? Count { get; init; }

    /// <summary>Time after the step's traffic went live before the first measurement.</summary>
    public TimeSpan InitialDelay { get; init; }

    /// <summary>0-based step indexes this check runs at; empty: a background check at every analyzed step.</summary>
    public IReadOnlyList<int> Steps { get; init; } = [];

    /// <summary>The least {{window}} of this check's queries: its window, else max(interval, 1m) for Prometheus and the interval for web.</summary>
    public TimeSpan QueryWindow(TimeSpan interval) =>
        Window ?? (Provider == MetricProvider.Prometheus && interval < DefaultPrometheusWindow ? DefaultPrometheusWindow : interval);

    public bool RunsAt(int stepIndex) => Steps.Count == 0 || Steps.Contains(stepIndex);
}

/// <summary>Statistical comparison with the stable version over the same window.</summary>
internal sealed record CompareSpec
{
    public CompareMethod Method { get; init; } = CompareMethod.Sequential;

    /// <summary>False-abort probability per step (sequential, default 0.001) or significance level (Mann-Whitney, default 0.01).</summary>
    public double? Alpha { get; init; }

    /// <summary>Sequential: probability of passing a canary that is worse by MinEffect.</summary>
    public double Beta { get; init; } = 0.05;

    /// <summary>Sequential: absolute error-rate increase to detect (0.02 = +2 points); Mann-Whitney: P(canary slower) above 0.5.</summary>
    public double? MinEffect { get; init; }

    /// <summary>Percentile: allowed relative excess over stable (0.1 = 10%).</summary>
    public double Tolerance { get; init; } = 0.1;

    /// <summary>Percentile: which quantile (0.99 = p99).</summary>
    public double Quantile { get; init; } = 0.99;

    public double EffectiveAlpha => Alpha ?? (Method == CompareMethod.Sequential ? 0.001 : 0.01);

    public double EffectiveMinEffect => MinEffect ?? (Method == CompareMethod.Sequential ? 0.02 : 0.1);
}

/// <summary>Credentials for a metric source, read from an environment variable or a file at use; never stored in status or logs.</summary>
internal sealed record AuthSpec
{
    /// <summary>Basic auth with this user name and the secret as password; without it the secret is a bearer token.</summary>
    public string? Username { get; init; }
    public string? SecretEnv { get; init; }
    public string? SecretFile { get; init; }
}
