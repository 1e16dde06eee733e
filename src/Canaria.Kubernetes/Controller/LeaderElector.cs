using k8s;
using k8s.Autorest;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Canaria.Kubernetes.Client;
using Microsoft.Extensions.Logging;
using LibraryElector = k8s.LeaderElection.LeaderElector;

namespace Canaria.Kubernetes.Controller;

public sealed record LeaderElectionOptions
{
    public required string Namespace { get; init; }
    public string LeaseName { get; init; } = "canaria-controller";
    public required string Identity { get; init; }
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Leader election by a coordination.k8s.io Lease through the official client's <see cref="LibraryElector"/> and
/// <see cref="LeaseLock"/> (client-go's algorithm: renew every retry period, take over only after leaseDuration without
/// renewal, writes conditional on the read resourceVersion). Around it, what a controller process needs: the work runs
/// only while this instance leads and is cancelled the moment it stops; a failed round (API server unreachable) is
/// retried; and on a clean stop the Lease is handed back at once, so a standby need not wait out its duration.
/// </summary>
internal sealed class LeaderElector(KubeClient client, LeaderElectionOptions options, ILogger logger)
{
    private volatile bool _leading;

    public bool IsLeader => _leading;

    /// <summary>Runs <paramref name="lead"/> whenever this instance holds the Lease, until cancelled.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> lead, CancellationToken cancellationToken)
    {
        var leaseLock = new LeaseLock(client.Api, options.Namespace, options.LeaseName, options.Identity);
        leaseLock.OnHttpError += e => ControllerLog.LeaseFailed(logger, options.Identity, options.LeaseName, $"{(int)e.Response.StatusCode} {e.Response.ReasonPhrase}");
        using var elector = new LibraryElector(new LeaderElectionConfig(leaseLock)
        {
            LeaseDuration = options.LeaseDuration,
            RenewDeadline = options.RenewDeadline,
            RetryPeriod = options.RetryPeriod,
        });
        var held = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            using var round = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task? work = null;
            void Started()
            {
                held = _leading = true;
                ControllerLog.Leading(logger, options.Identity, options.LeaseName);
                // Work that ends by itself (it failed) ends the round too, so the Lease is not renewed for a dead controller.
                work = Task.Run(() => lead(round.Token), CancellationToken.None).ContinueWith(_ => round.Cancel(), TaskScheduler.Default);
            }
            void Stopped()
            {
                // No longer renewing: another instance may take the Lease once it expires, so this one stops counting now.
                _leading = false;
                round.Cancel();
            }
            elector.OnStartedLeading += Started;
            elector.OnStoppedLeading += Stopped;
            try
            {
                await elector.RunUntilLeadershipLostAsync(round.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (round.IsCancellationRequested)
            {
            }
            catch (Exception e) when (e is HttpRequestException or HttpOperationException or InvalidOperationException)
            {
                ControllerLog.LeaseFailed(logger, options.Identity, options.LeaseName, e.Message);
            }
            finally
            {
                elector.OnStartedLeading -= Started;
                elector.OnStoppedLeading -= Stopped;
                _leading = false;
            }
            if (work is not null)
            {
                await round.CancelAsync().ConfigureAwait(false);
                await work.ConfigureAwait(false);
                ControllerLog.StoppedLeading(logger, options.Identity, options.LeaseName);
            }
            if (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(options.RetryPeriod, client.Time, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }
        }
        if (held)
        {
            await ReleaseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Gives the Lease up (empty holder, as client-go's ReleaseOnCancel does) if this instance still holds it.</summary>
    private async Task ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(options.RenewDeadline);
        try
        {
            var lease = await client.Api.CoordinationV1.ReadNamespacedLeaseAsync(options.LeaseName, options.Namespace, cancellationToken: timeout.Token).ConfigureAwait(false);
            if (lease.Spec?.HolderIdentity != options.Identity)
            {
                return;
            }
            lease.Spec.HolderIdentity = "";
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.RenewTime = client.Time.GetUtcNow().UtcDateTime;
            await client.Api.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, options.LeaseName, options.Namespace, cancellationToken: timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or HttpOperationException or OperationCanceledException)
        {
            // Someone else wrote it, or the server is gone: the Lease then simply expires.
            ControllerLog.LeaseFailed(logger, options.Identity, options.LeaseName, e.Message);
        }
    }
}
