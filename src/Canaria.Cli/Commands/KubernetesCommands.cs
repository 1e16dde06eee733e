using System.CommandLine;
using Canaria.Cli.Rendering;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Microsoft.Extensions.Logging;
using Canaria.Kubernetes.Resources;

namespace Canaria.Cli.Commands;

/// <summary>`canaria controller`: the Rollout controller for a Kubernetes cluster (leader-elected, so several may run).</summary>
internal static class KubernetesCommands
{
    public static Command Create()
    {
        var command = new Command("controller", "Run the Kubernetes Rollout controller (CRD and RBAC in deploy/). Several instances may run: the one holding the Lease acts, the others wait to take over.");
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "kubeconfig file (default: $KUBECONFIG or ~/.kube/config; in a pod: its service account)" };
        var context = new Option<string?>("--context") { Description = "kubeconfig context (default: current-context)" };
        var watchNamespace = new Option<string?>("--namespace", "-n") { Description = "Only manage Rollouts in this namespace (default: all namespaces)" };
        var leaseNamespace = new Option<string?>("--lease-namespace") { Description = "Namespace of the leader-election Lease (default: the kubeconfig's namespace)" };
        var qps = new Option<double>("--qps") { Description = "Requests per second to the API server at most (client-side rate limit)", DefaultValueFactory = _ => 100 };
        var burst = new Option<int>("--burst") { Description = "Requests that may go at once above --qps", DefaultValueFactory = _ => 200 };
        var workers = new Option<int>("--workers") { Description = "Rollouts reconciled at once (one Rollout is never reconciled twice at a time)", DefaultValueFactory = _ => 10 };
        command.Options.Add(kubeconfig);
        command.Options.Add(context);
        command.Options.Add(watchNamespace);
        command.Options.Add(leaseNamespace);
        command.Options.Add(qps);
        command.Options.Add(burst);
        command.Options.Add(workers);
        command.SetAction(async (r, ct) =>
        {
            var loaded = r.GetValue(kubeconfig) is { } path ? KubeConfigSource.LoadFile(path, r.GetValue(context))
                : Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") is { Length: > 0 } ? KubeConfigSource.LoadInCluster()
                : KubeConfigSource.LoadDefault(r.GetValue(context));
            if (loaded.Config is not { } config)
            {
                Output.Error($"cannot load the cluster configuration: {loaded.Error}");
                return ExitCodes.Invalid;
            }
            var badLimit = r.GetValue(qps) is not (> 0 and <= 10_000) ? $"--qps {r.GetValue(qps)}: must be more than 0 and at most 10000"
                : r.GetValue(burst) is not (>= 1 and <= 100_000) ? $"--burst {r.GetValue(burst)}: must be 1 to 100000"
                : r.GetValue(workers) is not (>= 1 and <= 64) ? $"--workers {r.GetValue(workers)}: must be 1 to 64"
                : null;
            if (badLimit is not null)
            {
                Output.Error(badLimit);
                return ExitCodes.Invalid;
            }
            using var logs = LoggerFactory.Create(b => b.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            }).SetMinimumLevel(LogLevel.Information));
            var logger = logs.CreateLogger("Canaria.Kubernetes");
            using var client = new KubeClient(config with { Qps = r.GetValue(qps), Burst = r.GetValue(burst) }, TimeProvider.System, logger);
            var probe = await client.ListAsync(RolloutResource.Rollouts, r.GetValue(watchNamespace), new ListOptions { Limit = 1 }, ct).ConfigureAwait(false);
            if (probe.Error is { Code: 404 })
            {
                Output.Error("the Rollout CRD is not installed in this cluster: kubectl apply -f deploy/crds/rollouts.canaria.dev.yaml -f deploy/rbac.yaml");
                return ExitCodes.Invalid;
            }
            var leaseNs = r.GetValue(leaseNamespace) ?? config.Namespace;
            var (missing, reviewError) = await ControllerPermissions.MissingAsync(client, r.GetValue(watchNamespace), leaseNs, ct).ConfigureAwait(false);
            if (missing.Count > 0)
            {
                // Without list and watch on a watched resource its cache never syncs: stop with the reason, not wait for ever.
                Output.Error($"the controller's account lacks {missing.Count} permission(s) it needs (deploy/rbac.yaml grants them all):\n  " +
                    string.Join("\n  ", missing));
                return ExitCodes.Invalid;
            }
            if (reviewError is not null) Output.Info($"{reviewError}; starting anyway");
            var identity = $"{Environment.MachineName}-{Environment.ProcessId}";
            var host = new KubeControllerHost(client,
                new KubeControllerOptions { Namespace = r.GetValue(watchNamespace), Workers = r.GetValue(workers) },
                new LeaderElectionOptions { Namespace = leaseNs, Identity = identity },
                logger);
            Output.Info($"canaria controller {identity} on {config.Server}; waiting for the Lease");
            try
            {
                await host.RunAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
