using System.Text;

namespace Canaria.Kubernetes.Client;

/// <summary>Where a kind lives in the API: group, version, plural, and whether it is namespaced.</summary>
public sealed record KubeResource(string Group, string Version, string Plural, string Kind, bool Namespaced = true)
{
    public static readonly KubeResource Namespaces = new("", "v1", "namespaces", "Namespace", Namespaced: false);
    public static readonly KubeResource Nodes = new("", "v1", "nodes", "Node", Namespaced: false);
    public static readonly KubeResource Pods = new("", "v1", "pods", "Pod");
    public static readonly KubeResource ConfigMaps = new("", "v1", "configmaps", "ConfigMap");
    public static readonly KubeResource Services = new("", "v1", "services", "Service");
    public static readonly KubeResource Events = new("", "v1", "events", "Event");
    public static readonly KubeResource Deployments = new("apps", "v1", "deployments", "Deployment");
    public static readonly KubeResource ReplicaSets = new("apps", "v1", "replicasets", "ReplicaSet");
    public static readonly KubeResource Leases = new("coordination.k8s.io", "v1", "leases", "Lease");
    public static readonly KubeResource CustomResourceDefinitions =
        new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", Namespaced: false);

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The request path, e.g. <c>/apis/apps/v1/namespaces/ns/deployments/web/status</c>.</summary>
    public string Path(string? ns, string? name = null, string? subresource = null)
    {
        var sb = new StringBuilder(Group.Length == 0 ? "/api/v1" : $"/apis/{Group}/{Version}");
        if (Namespaced && !string.IsNullOrEmpty(ns))
        {
            sb.Append("/namespaces/").Append(Uri.EscapeDataString(ns));
        }
        sb.Append('/').Append(Plural);
        if (!string.IsNullOrEmpty(name))
        {
            sb.Append('/').Append(Uri.EscapeDataString(name));
            if (!string.IsNullOrEmpty(subresource))
            {
                sb.Append('/').Append(subresource);
            }
        }
        return sb.ToString();
    }
}
