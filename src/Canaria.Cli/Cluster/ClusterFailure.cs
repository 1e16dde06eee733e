using Canaria.Kubernetes.Client;

namespace Canaria.Cli.Cluster;

/// <summary>Turns a failed Kubernetes API call into a message that names the object and an exit code.</summary>
internal static class ClusterFailure
{
    /// <param name="verb">The API verb the CLI used (get, list, patch, update, delete).</param>
    /// <param name="resource">The resource, e.g. rollouts.canaria.dev.</param>
    /// <param name="what">The object as a human names it, e.g. "Rollout myapp".</param>
    public static int Report(ClusterSession session, KubeStatus error, string verb, string resource, string what)
        => Outcome(session, error, verb, resource, what).Print();

    public static ClusterOutcome Outcome(ClusterSession session, KubeStatus error, string verb, string resource, string what)
    {
        var (message, code) = Describe(session, error, verb, resource, what);
        return new ClusterOutcome(code, message, Forbidden: error.Code == 403);
    }

    /// <summary>A failure worth asking again about: no answer, too many requests, or a server-side error (5xx).</summary>
    public static bool IsTransient(KubeStatus error) => error.Code is 0 or 429 || error.Code >= 500;

    public static (string Message, int ExitCode) Describe(ClusterSession session, KubeStatus error, string verb, string resource, string what)
    {
        var ns = session.Namespace;
        return error.Code switch
        {
            0 => ($"cannot reach the Kubernetes API at {session.Client.Config.Server}: {error.Message}", ExitCodes.Unreachable),
            401 => ($"the Kubernetes API at {session.Client.Config.Server} rejected the kubeconfig's credentials (401 Unauthorized)", ExitCodes.Unreachable),
            403 => ($"forbidden: the kubeconfig's user may not {verb} {resource} in namespace {ns} ({error.Message})", ExitCodes.Refused),
            404 when error.Reason == "NotFound" => ($"{what} not found in namespace {ns}", ExitCodes.NotFound),
            404 when resource.EndsWith("canaria.dev", StringComparison.Ordinal) =>
                ("the Rollout CRD (rollouts.canaria.dev) is not installed in this cluster: kubectl apply -f deploy/crds/rollouts.canaria.dev.yaml -f deploy/rbac.yaml",
                    ExitCodes.NotFound),
            404 => ($"{what} not found in namespace {ns}", ExitCodes.NotFound),
            409 => ($"{what} changed while it was being written; try again ({error.Message})", ExitCodes.Refused),
            422 or 400 => ($"the API server refused the change to {what}: {error.Message}", ExitCodes.Invalid),
            _ => ($"{verb} {resource} {what} in namespace {ns} failed: {error}", ExitCodes.Refused),
        };
    }
}
