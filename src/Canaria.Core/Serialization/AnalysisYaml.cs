using Canaria.Core.Model;

namespace Canaria.Core.Serialization;

internal static class AnalysisYaml
{
    private static readonly Dictionary<string, MetricKind> Metrics = new(StringComparer.Ordinal)
    {
        ["successRate"] = MetricKind.SuccessRate,
        ["errorRate"] = MetricKind.ErrorRate,
        ["latencyP50"] = MetricKind.LatencyP50,
        ["latencyP95"] = MetricKind.LatencyP95,
        ["latencyP99"] = MetricKind.LatencyP99,
        ["requestRate"] = MetricKind.RequestRate,
    };

    public static IReadOnlyCollection<string> MetricNames => Metrics.Keys;

    public static string NameOf(MetricKind kind) => Metrics.First(p => p.Value == kind).Key;

    public static AnalysisSpec Read(MapReader m)
    {
        var d = new AnalysisSpec();
        var a = new AnalysisSpec
        {
            Interval = m.Duration("interval") ?? d.Interval,
            FailureLimit = m.Int("failureLimit") ?? d.FailureLimit,
            InconclusiveLimit = m.Int("inconclusiveLimit") ?? d.InconclusiveLimit,
            ConsecutiveErrorLimit = m.Int("consecutiveErrorLimit") ?? d.ConsecutiveErrorLimit,
            MinRequests = m.Int("minRequests") ?? d.MinRequests,
            StepPasses = m.Int("stepPasses") ?? d.StepPasses,
            Checks = m.Maps("checks").Select(ReadCheck).ToList(),
        };
        m.RejectUnknown();
        return a;
    }

    private static CheckSpec ReadCheck(MapReader m)
    {
        var provider = Enums.Read(m, "provider", MetricProvider.Gateway);
        var compare = ReadCompare(m);
        var gateway = provider == MetricProvider.Gateway && m.String("provider") is null or "gateway"; // not when the provider name is wrong
        var metric = m.String("metric", required: gateway && !m.Has("compare"));
        var kind = compare?.Method == CompareMethod.Sequential ? MetricKind.ErrorRate : compare is null ? MetricKind.SuccessRate : MetricKind.LatencyP99;
        if (metric is not null && !Metrics.TryGetValue(metric, out kind))
            m.Error(m.Field("metric"), m.Raw("metric")!, $"'{metric}' is not a known metric (one of {string.Join(", ", Metrics.Keys)})");
        var c = new CheckSpec
        {
            Name = m.String("name") ?? metric ?? compare?.Method.ToString().ToLowerInvariant() ?? "",
            Metric = kind,
            Min = m.Double("min"),
            Max = m.Double("max"),
            Provider = provider,
            Address = m.String("address"),
            Query = m.String("query"),
            RangeQuery = Enums.ReadName(m, "queryType", ["instant", "range"]) == "range",
            Url = m.String("url"),
            HttpMethod = Enums.ReadName(m, "httpMethod", ["GET", "POST"]) ?? "GET",
            Body = m.String("body"),
            JsonPath = m.String("jsonPath"),
            Auth = m.Has("auth") ? ReadAuth(m.Map("auth")) : null,
            Compare = compare,
            Queries = m.Has("queries") ? ReadQueries(m.Map("queries")) : null,
            Interval = m.Duration("interval"),
            Window = m.Duration("window"),
            Count = m.Int("count"),
            InitialDelay = m.Duration("initialDelay") ?? TimeSpan.Zero,
            FailureLimit = m.Int("failureLimit"),
            ConsecutiveErrorLimit = m.Int("consecutiveErrorLimit"),
            Steps = ReadSteps(m),
        };
        m.RejectUnknown();
        return c;
    }

    private static CompareSpec? ReadCompare(MapReader m)
    {
        var compare = Enums.ReadName(m, "compare", ["stable"]);
        var d = new CompareSpec();
        var spec = new CompareSpec
        {
            Method = Enums.Read(m, "method", CompareMethod.Sequential),
            Alpha = m.Double("alpha"),
            Beta = m.Double("beta") ?? d.Beta,
            MinEffect = m.Double("minEffect"),
            Tolerance = m.Double("tolerance") ?? d.Tolerance,
            Quantile = m.Double("percentile") ?? d.Quantile,
        };
        if (compare is not null) return spec;
        foreach (var key in new[] { "method", "alpha", "beta", "minEffect", "tolerance", "percentile" })
            if (m.Has(key)) m.Error(m.Field(key), m.Raw(key)!, "only applies with compare: stable");
        return null;
    }

    private static CompareQueries ReadQueries(MapReader m)
    {
        var q = new CompareQueries
        {
            Requests = m.String("requests") ?? "",
            Errors = m.String("errors") ?? "",
            LatencyBuckets = m.String("latencyBuckets"),
            LatencyUnit = Enums.Read(m, "latencyUnit", LatencyUnit.Seconds),
        };
        m.RejectUnknown();
        return q;
    }

    private static AuthSpec ReadAuth(MapReader m)
    {
        var a = new AuthSpec { Username = m.String("username"), SecretEnv = m.String("secretEnv"), SecretFile = m.String("secretFile") };
        m.RejectUnknown();
        return a;
    }

    private static int[] ReadSteps(MapReader m)
    {
        var steps = new List<int>();
        foreach (var text in m.Strings("steps"))
        {
            if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var i)) steps.Add(i);
            else m.Error(m.Field("steps"), m.Raw("steps")!, $"'{text}' is not a step index");
        }
        return steps.Count == 0 ? [] : [.. steps]; // [] is Array.Empty, so a spec without steps equals the default
    }
}
