using Canaria.Core.Model;

namespace Canaria.Analysis.Webhooks;

/// <summary>The rollout a webhook speaks about, whatever the platform: its name, namespace (null on local) and spec.</summary>
internal sealed record WebhookTarget(string Name, string? Namespace, RolloutSpec Spec)
{
    /// <summary>Unique across namespaces: gates of two rollouts never share an in-flight entry.</summary>
    public string Key => Namespace is null ? Name : $"{Namespace}/{Name}";
}
