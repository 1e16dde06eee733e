using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Cli;

/// <summary>`kubectl canaria dashboard` (the built kubectl-canaria with KUBECONFIG set, as kubectl starts it) running until disposed, and the login link it printed.</summary>
internal sealed class ClusterDashboardProcess : IDisposable
{
    private readonly CliStream _process;

    private ClusterDashboardProcess(CliStream process, Uri link)
    {
        _process = process;
        LoginLink = link;
    }

    public Uri LoginLink { get; }

    /// <summary>http://127.0.0.1:PORT/dashboard/</summary>
    public Uri Root => new(LoginLink, "/dashboard/");

    public string Output => string.Join('\n', _process.Lines);

    public static async Task<ClusterDashboardProcess> StartAsync(string kubeconfig, string ns, params string[] options)
    {
        var process = CanariaCli.Start(CanariaCli.KubectlPlugin, kubeconfig, ["dashboard", "-n", ns, .. options]);
        string? link = null;
        try
        {
            await Eventually.WaitAsync(() =>
            {
                Assert.False(process.HasExited, "kubectl canaria dashboard exited: " + string.Join('\n', process.Lines));
                link = process.Lines.FirstOrDefault(l => l.StartsWith("http://127.0.0.1:", StringComparison.Ordinal));
                return link is not null;
            }, TimeSpan.FromSeconds(60), "kubectl canaria dashboard to print its login link");
        }
        catch
        {
            process.Dispose();
            throw;
        }
        return new ClusterDashboardProcess(process, new Uri(link!));
    }

    public void Dispose() => _process.Dispose();
}
