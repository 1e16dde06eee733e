using System.Text.RegularExpressions;
using Canaria.Core.Engine;
using Canaria.Core.Model;
using Canaria.Local.Processes;

namespace Canaria.Local.Controller;

/// <summary>The workload driver of the local platform: revisions run as replica processes, or are fixed upstream URLs.</summary>
internal sealed partial class LocalWorkload(ReplicaSupervisor supervisor)
{
    [GeneratedRegex(@"-r(\d+)$")]
    private static partial Regex RevisionSuffix();

    public ReplicaObservation Observe(ManagedRollout rollout, int revision)
    {
        if (RevisionNames.Template(rollout, revision) is { Upstreams.Count: > 0 } fixedUrls)
            return new ReplicaObservation(fixedUrls.Upstreams.Count, fixedUrls.Upstreams.Count);
        var set = supervisor.Observe(RevisionNames.SetKey(rollout.Name, revision));
        return new ReplicaObservation(set.Desired, set.ReadyCount);
    }

    /// <summary>host:port of every replica that passed its readiness probe (or every fixed upstream).</summary>
    public IReadOnlyList<string> ReadyEndpoints(ManagedRollout rollout, int revision)
    {
        if (RevisionNames.Template(rollout, revision) is { Upstreams.Count: > 0 } fixedUrls)
            return fixedUrls.Upstreams.Select(u => new Uri(u).Authority).ToList();
        var set = supervisor.Observe(RevisionNames.SetKey(rollout.Name, revision));
        return set.Replicas.Where(r => r.State == ReplicaState.Ready && !r.Outgoing && r.Port > 0)
            .Select(r => $"127.0.0.1:{r.Port}").ToList();
    }

    public IReadOnlyList<ReplicaSnapshot> Replicas(ManagedRollout rollout, int revision) =>
        supervisor.Observe(RevisionNames.SetKey(rollout.Name, revision)).Replicas;

    /// <summary>Makes the supervisor run exactly the decided replicas of this rollout; other revisions stop.</summary>
    public void Apply(ManagedRollout rollout, IReadOnlyDictionary<int, int> replicas)
    {
        foreach (var (revision, count) in replicas)
        {
            if (RevisionNames.Template(rollout, revision) is not { } template || template.Upstreams.Count > 0) continue;
            var built = ToReplicaTemplate(template, rollout.Spec.Service is { Protocol: not Core.Model.ServiceProtocol.Http });
            if (built.Template is { } t) supervisor.SetDesired(RevisionNames.SetKey(rollout.Name, revision), t, count);
        }
        foreach (var key in supervisor.SetKeys)
        {
            if (OwnedRevision(rollout.Name, key) is { } revision && !replicas.ContainsKey(revision))
                supervisor.Remove(key);
        }
    }

    public void RemoveAll(string rolloutName)
    {
        foreach (var key in supervisor.SetKeys)
            if (OwnedRevision(rolloutName, key) is not null) supervisor.Remove(key);
    }

    /// <summary>The replica template of a version; <paramref name="http2"/>: the service speaks HTTP/2, so readiness is probed over h2c.</summary>
    public static ReplicaTemplateResult ToReplicaTemplate(VersionTemplate template, bool http2 = false)
    {
        var result = ReplicaTemplate.FromCommandLine(template.Version, SelfCommand.Expand(template.Command ?? ""));
        if (result.Template is not { } t) return result;
        return result with
        {
            Template = t with
            {
                Environment = template.Env,
                InheritEnvironment = template.InheritEnv ?? [],
                WorkingDirectory = template.WorkingDirectory,
                ReadinessPath = template.Readiness.Path,
                ReadinessHttp2 = http2,
                ReadinessPeriod = template.Readiness.Period,
                ReadinessTimeout = template.Readiness.Timeout,
            },
        };
    }

    /// <summary>The rollout a replica set belongs to, by its key (name-rN), or null for a key of another shape.</summary>
    public static string? OwnerOf(string setKey)
    {
        var m = RevisionSuffix().Match(setKey);
        return m.Success && m.Index > 0 ? setKey[..m.Index] : null;
    }

    private static int? OwnedRevision(string rolloutName, string setKey)
    {
        var m = RevisionSuffix().Match(setKey);
        if (!m.Success || setKey[..m.Index] != rolloutName) return null;
        return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
