using System.Globalization;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;
using k8s.Models;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Canaria.Cli.Cluster;

/// <summary>
/// `get NAME --watch` on a cluster: the Rollout, its revisions (newest first) with their ReplicaSet, images and
/// ready/desired pods (desired: what Canaria last asked for, status.plan), and under each its pods with phase and readiness.
/// </summary>
internal static class ClusterTree
{
    public static async Task<(IRenderable? Tree, string Text, KubeStatus? Error, string Resource)> LoadAsync(ClusterSession session, string name, CancellationToken ct)
    {
        var (view, failure, resource) = await ClusterRolloutView.LoadAsync(session, name, ct).ConfigureAwait(false);
        if (view is null) return (null, "", failure, resource);
        IReadOnlyList<V1Pod> pods = [];
        if (view.Deployment is not null)
        {
            var list = await session.Client.ListAllAsync<V1Pod>(KubeResource.Pods, session.Namespace, cancellationToken: ct).ConfigureAwait(false);
            if (!list.IsSuccess) return (null, "", list.Error, "pods");
            pods = list.Value!;
        }
        var lines = Lines(view, pods);
        var tree = new Tree(new Markup(Markup.Escape(lines[0].Text)));
        TreeNode? revision = null;
        foreach (var (depth, text) in lines.Skip(1))
        {
            if (depth == 1) revision = tree.AddNode(Markup.Escape(text));
            else revision?.AddNode(Markup.Escape(text));
        }
        return (tree, string.Join('\n', lines.Select(l => new string(' ', l.Depth * 2) + l.Text)), null, "");
    }

    /// <summary>The tree as (depth, text) lines: 0 the Rollout, 1 a revision, 2 a pod.</summary>
    public static IReadOnlyList<(int Depth, string Text)> Lines(ClusterRolloutView view, IReadOnlyList<V1Pod> pods)
    {
        var s = view.Status;
        var lines = new List<(int, string)>
        {
            (0, $"Rollout {view.Name}  {(string?)s?["phase"] ?? "-"}  {((string?)s?["step"] is { Length: > 0 } step ? step : "-")}  " +
                $"canary weight {ClusterRolloutView.Int(s?["weight"]) ?? 0}%  Deployment {view.DeploymentName ?? "-"}{(view.Deployment is null ? " (not found)" : "")}"),
        };
        var plan = s?["plan"] as JsonObject;
        foreach (var rs in view.ReplicaSets().OrderByDescending(r => r.Revision ?? 0))
        {
            var desired = rs.Revision is { } rev ? ClusterRolloutView.Int(plan?[rev.ToString(CultureInfo.InvariantCulture)]) ?? rs.Replicas : rs.Replicas;
            var role = rs.Role.Length > 0 ? $" ({rs.Role})" : "";
            lines.Add((1, $"revision {rs.Revision?.ToString(CultureInfo.InvariantCulture) ?? "-"}{role}  ReplicaSet {rs.Name}  {rs.Images}  ready {rs.Ready}/{desired}"));
            var uid = view.Deployment!.ReplicaSets.First(x => x.Name == rs.Name).Object.Metadata.Uid;
            foreach (var pod in pods.Where(p => Pods.OwnedBy(p, uid)).OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
            {
                lines.Add((2, $"pod {pod.Metadata.Name}  {PodState(pod)}"));
            }
        }
        return lines;
    }

    private static string PodState(V1Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null) return "Terminating";
        return $"{pod.Status?.Phase ?? "Pending"}{(Pods.Ready(pod) ? "  ready" : "  not ready")}";
    }
}
