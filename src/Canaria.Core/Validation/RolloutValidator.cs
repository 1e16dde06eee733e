using System.Text.RegularExpressions;
using Canaria.Core.Model;

namespace Canaria.Core.Validation;

/// <summary>Checks a parsed Rollout and reports every problem with its field path; nothing is applied when any is found.</summary>
internal static partial class RolloutValidator
{
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^[A-Za-z0-9][-A-Za-z0-9_.]{0,62}$")]
    private static partial Regex VersionLabel();

    public static IReadOnlyList<FieldError> Validate(RolloutDocument doc, Platform platform)
    {
        var errors = new List<FieldError>();
        void Add(string field, string message) => errors.Add(new FieldError(field, message));

        if (doc.ApiVersion != RolloutDocument.CurrentApiVersion)
            Add("apiVersion", $"'{doc.ApiVersion}' is not supported (use {RolloutDocument.CurrentApiVersion})");
        if (doc.Kind != RolloutDocument.RolloutKind)
            Add("kind", $"'{doc.Kind}' is not {RolloutDocument.RolloutKind}");
        if (!DnsLabel().IsMatch(doc.Metadata.Name))
            Add("metadata.name", $"'{doc.Metadata.Name}' must be 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit");

        var spec = doc.Spec;
        if (spec.Replicas is < 1 or > 1000)
            Add("spec.replicas", $"{spec.Replicas} must be between 1 and 1000");
        if (spec.ProgressDeadline <= TimeSpan.Zero)
            Add("spec.progressDeadline", "must be longer than zero");
        if (spec.RollbackWindow is { Revisions: < 1 or > RollbackWindowSpec.MaxRevisions } window)
            Add("spec.rollbackWindow.revisions", $"{window.Revisions} must be between 1 and {RollbackWindowSpec.MaxRevisions} (earlier stable revisions that count as a rollback)");

        if (platform == Platform.Local)
        {
            ValidateLocal(spec, Add);
        }
        else if (spec.WorkloadRef is null || spec.WorkloadRef.Name.Length == 0)
        {
            Add("spec.workloadRef.name", "is required: name the Deployment this Rollout releases");
        }
        else if (spec.WorkloadRef.Kind != "Deployment")
        {
            Add("spec.workloadRef.kind", $"'{spec.WorkloadRef.Kind}' is not supported (Deployment)");
        }

        StepValidator.Validate(spec, Add);
        TrafficRoutingValidator.Validate(spec, platform, Add);
        if (spec.Analysis is { } analysis)
        {
            AnalysisValidator.Validate(analysis, Engine.StepPlan.Count(spec), Add, platform);
            if (platform == Platform.Kubernetes) KubernetesAnalysisValidator.Validate(analysis, spec.TrafficRouting, Add);
        }
        WebhookValidator.Validate(spec.Webhooks, Add);
        return errors;
    }

    private static void ValidateLocal(RolloutSpec spec, Action<string, string> add)
    {
        if (spec.Service is not { } service)
        {
            add("spec.service", "is required on the local platform: it names the service and where the gateway listens");
        }
        else
        {
            if (!DnsLabel().IsMatch(service.Name))
                add("spec.service.name", $"'{service.Name}' must be lowercase letters, digits or '-'");
            if (!Endpoints.TryParseListen(service.Listen, out _, out _))
                add("spec.service.listen", $"'{service.Listen}' is not host:port (e.g. 127.0.0.1:8080)");
            if (!service.PathPrefix.StartsWith('/'))
                add("spec.service.pathPrefix", $"'{service.PathPrefix}' must start with '/'");
            ServiceProtocolValidator.Validate(service, add);
        }

        if (spec.Template is not { } t)
        {
            add("spec.template", "is required on the local platform: it says how to run a version");
            return;
        }
        if (!VersionLabel().IsMatch(t.Version))
            add("spec.template.version", $"'{t.Version}' must be 1-63 letters, digits, '-', '_' or '.'");
        TemplateValidator.Validate(t, add);
        InheritEnvValidator.Validate(t, add);
    }
}
