using System.CommandLine;
using System.Globalization;
using Canaria.Cli.Rendering;

namespace Canaria.Cli.Cluster;

/// <summary>
/// An operation on a cluster: writes <c>canaria.dev/command="OP NONCE"</c> on the Rollout (<see cref="ClusterCommandWrite"/>:
/// never over another pending command), then waits for the controller's answer (<see cref="ClusterCommandWait"/>):
/// applied (exit 0), refused (exit 1, with the controller's reason), or not applied in time (exit 3, saying what is left).
/// </summary>
internal static class ClusterCommand
{
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <param name="operation">The annotation's operation with its arguments, e.g. "promote" or "jump 2".</param>
    public static async Task<int> RunAsync(ParseResult r, string name, string operation, CancellationToken ct)
    {
        if (ClusterOptions.ParseDuration(r.GetValue(ClusterOptions.Timeout) ?? "") is not { } timeout)
        {
            Output.Error($"--timeout {r.GetValue(ClusterOptions.Timeout)}: not a duration (e.g. 30s, 2m)");
            return ExitCodes.Invalid;
        }
        using var session = ClusterSession.Open(r, out var error);
        if (session is null) return ClusterReads.Fail(error);
        return (await SendAsync(session, name, operation, timeout, ct).ConfigureAwait(false)).Print();
    }

    /// <summary>Writes the operation and waits for the controller's answer; the CLI and the dashboard both send operations this way.</summary>
    public static async Task<ClusterOutcome> SendAsync(ClusterSession session, string name, string operation, TimeSpan timeout, CancellationToken ct)
    {
        var value = $"{operation} {session.Time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}";
        var deadline = session.Time.GetUtcNow() + timeout;
        var written = await ClusterCommandWrite.WriteAsync(session, name, value, deadline, ct).ConfigureAwait(false);
        if (written.Before is not { } before) return written.Failure!;
        return await ClusterCommandWait.WaitAsync(session, name, value, before, deadline, timeout, ct).ConfigureAwait(false);
    }
}
