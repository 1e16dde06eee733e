using System.Globalization;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Microsoft.Extensions.Logging;

namespace Canaria.Kubernetes.Controller;

internal sealed record LeaderElectionOptions
{
    public required string Namespace { get; init; }
    public string LeaseName { get; init; } = "canaria-controller";
    public required string Identity { get; init; }
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Leader election by a coordination.k8s.io Lease, as client-go does it: the holder renews renewTime every retry
/// period; another instance takes the Lease over only after leaseDuration without renewal. Writes are conditional on
/// the read resourceVersion, so two instances never both believe they hold it. A leader that cannot renew within the
/// renew deadline stops leading (its work is cancelled) before anyone else may take over.
/// </summary>
internal sealed class LeaderElector(KubeClient client, LeaderElectionOptions options, ILogger logger)
{
    private static readonly KubeResource Leases = KubeResource.Leases;

    public bool IsLeader { get; private set; }

    /// <summary>Runs <paramref name="lead"/> whenever this instance holds the Lease, until cancelled.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> lead, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!await TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false))
            {
                await Task.Delay(options.RetryPeriod, client.Time, cancellationToken).ConfigureAwait(false);
                continue;
            }
            IsLeader = true;
            ControllerLog.Leading(logger, options.Identity, options.LeaseName);
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var work = Task.Run(() => lead(leading.Token), CancellationToken.None);
            var lastRenew = client.Time.GetUtcNow();
            while (!leading.IsCancellationRequested && !work.IsCompleted)
            {
                await Task.WhenAny(work, Task.Delay(options.RetryPeriod, client.Time, cancellationToken)).ConfigureAwait(false);
                if (cancellationToken.IsCancellationRequested || work.IsCompleted) break;
                if (await TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false)) lastRenew = client.Time.GetUtcNow();
                else if (client.Time.GetUtcNow() - lastRenew > options.RenewDeadline) break;
            }
            // No longer renewing: another instance may take the Lease once it expires, even while this one's cancelled
            // work is still winding down (its informers closing), so it stops counting as the leader now.
            IsLeader = false;
            await leading.CancelAsync().ConfigureAwait(false);
            try
            {
                await work.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            ControllerLog.StoppedLeading(logger, options.Identity, options.LeaseName);
            if (cancellationToken.IsCancellationRequested) await ReleaseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>On a clean stop the Lease is given up at once, so another instance need not wait out its duration.</summary>
    private async Task ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(options.RenewDeadline);
        var got = await client.GetAsync(Leases, options.Namespace, options.LeaseName, timeout.Token).ConfigureAwait(false);
        if (!got.IsSuccess || (string?)got.Value!["spec"]?["holderIdentity"] != options.Identity) return;
        var lease = got.Value;
        lease["spec"]!["holderIdentity"] = null;
        lease["spec"]!["leaseDurationSeconds"] = 1;
        await client.ReplaceAsync(Leases, options.Namespace, lease, timeout.Token).ConfigureAwait(false);
    }

    private async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = client.Time.GetUtcNow();
        var stamp = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        var got = await client.GetAsync(Leases, options.Namespace, options.LeaseName, cancellationToken).ConfigureAwait(false);
        if (!got.IsSuccess)
        {
            if (!got.Error!.IsNotFound) return false;
            var lease = new JsonObject
            {
                ["apiVersion"] = Leases.ApiVersion,
                ["kind"] = Leases.Kind,
                ["metadata"] = new JsonObject { ["name"] = options.LeaseName, ["namespace"] = options.Namespace },
                ["spec"] = Spec(stamp, stamp, 0),
            };
            return (await client.CreateAsync(Leases, options.Namespace, lease, cancellationToken).ConfigureAwait(false)).IsSuccess;
        }
        var current = got.Value!;
        var spec = current["spec"] as JsonObject ?? [];
        var holder = (string?)spec["holderIdentity"];
        var transitions = DeploymentView.Int(spec["leaseTransitions"]) ?? 0;
        var renewed = DateTimeOffset.TryParse((string?)spec["renewTime"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var r) ? r : DateTimeOffset.MinValue;
        var duration = TimeSpan.FromSeconds(DeploymentView.Int(spec["leaseDurationSeconds"]) ?? (int)options.LeaseDuration.TotalSeconds);
        if (holder != options.Identity && !string.IsNullOrEmpty(holder) && now < renewed + duration) return false; // someone else holds it
        current["spec"] = holder == options.Identity
            ? Spec((string?)spec["acquireTime"] ?? stamp, stamp, transitions)
            : Spec(stamp, stamp, transitions + 1);
        return (await client.ReplaceAsync(Leases, options.Namespace, current, cancellationToken).ConfigureAwait(false)).IsSuccess;
    }

    private JsonObject Spec(string acquired, string renewed, int transitions) => new()
    {
        ["holderIdentity"] = options.Identity,
        ["leaseDurationSeconds"] = (int)Math.Ceiling(options.LeaseDuration.TotalSeconds),
        ["acquireTime"] = acquired,
        ["renewTime"] = renewed,
        ["leaseTransitions"] = transitions,
    };
}
