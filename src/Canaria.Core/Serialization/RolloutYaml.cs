using Canaria.Core.Model;
using Canaria.Core.Validation;
using Canaria.YamlGuards;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Canaria.Core.Serialization;

internal sealed record ParseResult(RolloutDocument? Document, IReadOnlyList<FieldError> Errors)
{
    public bool Ok => Document is not null && Errors.Count == 0;
}

/// <summary>Reads a Rollout from YAML (or JSON, which is YAML), reporting every problem with its field path.</summary>
internal static class RolloutYaml
{
    public static ParseResult Parse(string text)
    {
        var errors = new List<FieldError>();
        if (YamlLimits.Check(text) is { } tooLarge) return new ParseResult(null, [new FieldError("(document)", tooLarge)]);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            return new ParseResult(null, [new FieldError("(document)", $"is not valid YAML: {Message(e)} (line {e.Start.Line})")]);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return new ParseResult(null, [new FieldError("(document)", $"is not valid YAML: {e.Message}")]); // YamlDotNet's own failure on odd text
        }
        if (stream.Documents.Count != 1)
            return new ParseResult(null, [new FieldError("(document)", $"must hold exactly one Rollout, found {stream.Documents.Count} documents")]);

        var root = new MapReader(stream.Documents[0].RootNode, "", errors);
        if (!root.Present) return new ParseResult(null, errors.Count > 0 ? errors : [new FieldError("(document)", "is empty")]);

        var doc = new RolloutDocument
        {
            ApiVersion = root.String("apiVersion", required: true) ?? "",
            Kind = root.String("kind", required: true) ?? "",
            Metadata = ReadMetadata(root.Map("metadata")),
            Spec = ReadSpec(root.Map("spec")),
        };
        root.Raw("status"); // a status written back by `get -o yaml` is accepted and ignored
        root.RejectUnknown();
        return new ParseResult(doc, errors);
    }

    /// <summary>The parser's own words; YamlDotNet wraps some errors (e.g. a document cut off in a flow mapping) in an outer one.</summary>
    private static string Message(YamlException e) =>
        e.InnerException is YamlException inner && inner.Message.Length > 0 ? inner.Message : e.Message;

    private static ObjectMeta ReadMetadata(MapReader m)
    {
        var meta = new ObjectMeta
        {
            Name = m.String("name", required: true) ?? "",
            Namespace = m.String("namespace"),
            Labels = m.StringMap("labels"),
        };
        m.StringMap("annotations");
        m.RejectUnknown();
        return meta;
    }

    private static RolloutSpec ReadSpec(MapReader m)
    {
        var defaults = new RolloutSpec();
        var spec = new RolloutSpec
        {
            Replicas = m.Int("replicas") ?? defaults.Replicas,
            Service = m.Has("service") ? ReadService(m.Map("service")) : null,
            Template = m.Has("template") ? ReadTemplate(m.Map("template")) : null,
            WorkloadRef = m.Has("workloadRef") ? ReadWorkloadRef(m.Map("workloadRef")) : null,
            Strategy = ReadStrategy(m.Map("strategy")),
            TrafficRouting = m.Has("trafficRouting") ? TrafficRoutingYaml.Read(m.Map("trafficRouting")) : null,
            Analysis = m.Has("analysis") ? AnalysisYaml.Read(m.Map("analysis")) : null,
            Webhooks = m.Maps("webhooks").Select(WebhookYaml.Read).ToList(),
            ProgressDeadline = m.Duration("progressDeadline") ?? defaults.ProgressDeadline,
            ScaleDownDelay = m.Duration("scaleDownDelay") ?? defaults.ScaleDownDelay,
            RollbackWindow = m.Has("rollbackWindow") ? ReadRollbackWindow(m.Map("rollbackWindow")) : null,
        };
        if (!m.Has("strategy")) m.Error(m.Field("strategy"), new YamlScalarNode(), "is required (canary: or blueGreen:)");
        m.RejectUnknown();
        return spec;
    }

    private static RollbackWindowSpec ReadRollbackWindow(MapReader m)
    {
        var window = new RollbackWindowSpec { Revisions = m.Int("revisions") ?? 0 };
        if (!m.Has("revisions")) m.Error(m.Field("revisions"), new YamlScalarNode(), "is required (e.g. rollbackWindow: {revisions: 3})");
        m.RejectUnknown();
        return window;
    }

    private static ServiceSpec ReadService(MapReader m)
    {
        var d = new ServiceSpec();
        var s = new ServiceSpec
        {
            Name = m.String("name", required: true) ?? "",
            Listen = m.String("listen") ?? d.Listen,
            Hosts = m.Strings("hosts"),
            PathPrefix = m.String("pathPrefix") ?? d.PathPrefix,
            Sticky = m.Bool("sticky") ?? false,
            VersionHeader = m.String("versionHeader") ?? d.VersionHeader,
            Protocol = Enums.Read(m, "protocol", ServiceProtocol.Http),
            Tls = m.Has("tls") ? ReadTls(m.Map("tls")) : null,
            GrpcFailureCodes = m.Has("grpcFailureCodes") ? m.Strings("grpcFailureCodes") : null,
        };
        m.RejectUnknown();
        return s;
    }

    private static ServiceTlsSpec ReadTls(MapReader m)
    {
        var tls = new ServiceTlsSpec
        {
            CertificateFile = m.String("certificateFile", required: true) ?? "",
            KeyFile = m.String("keyFile", required: true) ?? "",
        };
        m.RejectUnknown();
        return tls;
    }

    private static VersionTemplate ReadTemplate(MapReader m)
    {
        var t = new VersionTemplate
        {
            Version = m.String("version", required: true) ?? "",
            Command = m.String("command"),
            Env = m.StringMap("env"),
            InheritEnv = m.Has("inheritEnv") ? m.Strings("inheritEnv") : null,
            WorkingDirectory = m.String("workingDirectory"),
            Upstreams = m.Strings("upstreams"),
            Readiness = ReadReadiness(m.Map("readiness")),
        };
        m.RejectUnknown();
        return t;
    }

    private static ReadinessSpec ReadReadiness(MapReader m)
    {
        var d = new ReadinessSpec();
        var r = new ReadinessSpec
        {
            Path = m.String("path") ?? d.Path,
            Period = m.Duration("period") ?? d.Period,
            Timeout = m.Duration("timeout") ?? d.Timeout,
        };
        m.RejectUnknown();
        return r;
    }

    private static WorkloadRef ReadWorkloadRef(MapReader m)
    {
        var w = new WorkloadRef
        {
            Kind = m.String("kind") ?? "Deployment",
            Name = m.String("name", required: true) ?? "",
        };
        m.Raw("apiVersion");
        m.RejectUnknown();
        return w;
    }

    private static StrategySpec ReadStrategy(MapReader m)
    {
        var hasCanary = m.Has("canary");
        var hasBlueGreen = m.Has("blueGreen");
        if (hasCanary && hasBlueGreen)
            m.Error(m.Field("blueGreen"), m.Raw("blueGreen")!, "cannot be set together with canary: choose one strategy");
        var kind = hasBlueGreen && !hasCanary ? StrategyKind.BlueGreen : StrategyKind.Canary;
        var body = m.Map(kind == StrategyKind.BlueGreen ? "blueGreen" : "canary");
        var steps = body.Maps("steps").Select(ReadStep).ToList();
        body.RejectUnknown();
        m.RejectUnknown();
        return new StrategySpec { Kind = kind, Steps = steps };
    }

    private static StepSpec ReadStep(MapReader m)
    {
        var step = new StepSpec
        {
            Traffic = m.Percent("traffic"),
            Weights = ReadWeights(m),
            Mirror = m.Percent("mirror"),
            Replicas = ReadReplicas(m),
            Matches = m.Maps("matches").Select(MatchYaml.Read).ToList(),
            Pause = ReadPause(m),
        };
        m.RejectUnknown();
        return step;
    }

    private static SplitWeights? ReadWeights(MapReader m)
    {
        if (!m.Has("weights")) return null;
        var w = m.Map("weights");
        if (!w.Present) return null;
        var stable = w.Int("stable");
        var canary = w.Int("canary");
        foreach (var (key, value) in new[] { ("stable", stable), ("canary", canary) })
            if (value is null && !w.Has(key))
                m.Error(w.Field(key), m.Raw("weights")!, "is required: weights name both versions (e.g. {stable: 250, canary: 750})");
        w.RejectUnknown();
        return stable is { } s && canary is { } c ? new SplitWeights(s, c) : null;
    }

    private static ReplicaCount? ReadReplicas(MapReader m)
    {
        var text = m.String("replicas");
        if (text is null) return null;
        var isPercent = text.EndsWith('%');
        if (int.TryParse(isPercent ? text[..^1] : text, System.Globalization.CultureInfo.InvariantCulture, out var v))
            return new ReplicaCount(v, isPercent);
        m.Error(m.Field("replicas"), m.Raw("replicas")!, $"'{text}' is not a replica count (write 2 or \"20%\")");
        return null;
    }

    private static PauseSpec? ReadPause(MapReader m)
    {
        var node = m.Raw("pause");
        if (node is null) return null;
        var p = m.Map("pause");
        var pause = new PauseSpec { Duration = p.Duration("duration") };
        p.RejectUnknown();
        return pause;
    }
}
