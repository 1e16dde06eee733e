using k8s;
using k8s.Autorest;
using k8s.Models;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// What the controller must be allowed to do before it starts (deploy/rbac.yaml grants all of it), asked of the API server
/// with SelfSubjectAccessReviews. Without list and watch on one of the watched resources, the controller's caches would
/// never sync and it would wait for ever without a word; with this check it names the missing permission and stops.
/// The routers' permissions (Istio, SMI, nginx, Gateway API) are left out: only Rollouts that use a router need them, and
/// their failures are reported on those Rollouts.
/// </summary>
public static class ControllerPermissions
{
    /// <summary>One permission: a verb on a resource (group "" is the core group).</summary>
    public sealed record Permission(string Verb, string Group, string Resource, string? Subresource = null)
    {
        public override string ToString() =>
            $"{Verb} {Resource}{(Subresource is null ? "" : "/" + Subresource)}{(Group.Length == 0 ? "" : "." + Group)}";
    }

    /// <summary>The permissions every controller needs in the namespaces it watches.</summary>
    public static IReadOnlyList<Permission> Required { get; } =
    [
        .. Verbs(RolloutResource.Rollouts, "list", "watch", "update", "patch"),
        new("update", RolloutResource.Rollouts.Group, RolloutResource.Rollouts.Plural, "status"),
        .. Verbs(KubeResource.Deployments, "list", "watch", "patch"),
        .. Verbs(KubeResource.ReplicaSets, "list", "watch", "create", "patch"),
        .. Verbs(KubeResource.Services, "list", "watch", "create", "patch"),
        .. Verbs(KubeResource.Events, "create"),
    ];

    /// <summary>The permissions leader election needs in the Lease's namespace.</summary>
    public static IReadOnlyList<Permission> LeaseRequired { get; } = [.. Verbs(KubeResource.Leases, "get", "create", "update")];

    /// <summary>
    /// The permissions the client's account lacks, in <paramref name="ns"/> (null: all namespaces) and for the Lease in
    /// <paramref name="leaseNamespace"/>; empty when it has them all. An error (the review itself failed, e.g. the API
    /// server is not reachable) is returned as the message, and then nothing is known about the permissions.
    /// </summary>
    public static async Task<(IReadOnlyList<string> Missing, string? Error)> MissingAsync(KubeClient client, string? ns, string leaseNamespace,
        CancellationToken cancellationToken)
    {
        var checks = Required.Select(p => (Permission: p, Namespace: ns)).Concat(LeaseRequired.Select(p => (Permission: p, Namespace: (string?)leaseNamespace)));
        var missing = new List<string>();
        try
        {
            foreach (var (p, n) in checks)
            {
                var review = new V1SelfSubjectAccessReview
                {
                    Spec = new V1SelfSubjectAccessReviewSpec
                    {
                        ResourceAttributes = new V1ResourceAttributes
                        {
                            Verb = p.Verb, Group = p.Group, Resource = p.Resource, Subresource = p.Subresource, NamespaceProperty = n,
                        },
                    },
                };
                var answer = await client.Api.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(review, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (answer.Status?.Allowed != true) missing.Add($"{p} ({(n is null ? "all namespaces" : "namespace " + n)})");
            }
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return ([], $"could not review the controller's permissions: {e.Message}");
        }
        return (missing, null);
    }

    private static IEnumerable<Permission> Verbs(KubeResource resource, params string[] verbs) =>
        verbs.Select(v => new Permission(v, resource.Group, resource.Plural));
}
