namespace Canaria.Core.Model;

/// <summary>A Rollout as the user writes it: Kubernetes-style envelope around the spec.</summary>
internal sealed record RolloutDocument
{
    public const string CurrentApiVersion = "canaria.dev/v1alpha1";
    public const string RolloutKind = "Rollout";

    public string ApiVersion { get; init; } = CurrentApiVersion;
    public string Kind { get; init; } = RolloutKind;
    public ObjectMeta Metadata { get; init; } = new();
    public RolloutSpec Spec { get; init; } = new();
}
