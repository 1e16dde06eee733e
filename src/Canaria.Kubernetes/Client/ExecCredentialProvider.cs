using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Canaria.Kubernetes.Client;

/// <summary>
/// Runs a kubeconfig <c>exec</c> credential plugin and caches what it prints: the plugin gets
/// <c>KUBERNETES_EXEC_INFO</c> (an ExecCredential request, never interactive), prints an ExecCredential whose
/// status holds a token or a client certificate and key, and is run again shortly before
/// <c>status.expirationTimestamp</c> or when the server rejects the credential (401). Failures are results
/// that name the user and carry the plugin's stderr; the credential itself is never logged or put in an error.
/// </summary>
internal sealed class ExecCredentialProvider(ExecPluginConfig plugin, TimeProvider time, ILogger logger) : IDisposable
{
    private static readonly TimeSpan MaxRefreshMargin = TimeSpan.FromSeconds(30);
    private const int MaxStderrChars = 2000;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Credential? _current;

    /// <summary>What one run printed. <see cref="ToString"/> hides the token and the key.</summary>
    internal sealed record Credential(string? Token, X509Certificate2? Certificate, DateTimeOffset? ExpiresAt, DateTimeOffset RefreshAt)
    {
        public override string ToString() => $"Credential {{ Token = {(Token is null ? "none" : "set")}, Certificate = {(Certificate is null ? "none" : "set")}, ExpiresAt = {ExpiresAt} }}";
    }

    /// <summary>The credential in use (for the TLS client certificate callback), or null before the first run.</summary>
    public Credential? Current => Volatile.Read(ref _current);

    /// <summary>
    /// The cached credential while it is fresh, else a new one from the plugin. Pass the credential the server
    /// rejected as <paramref name="rejected"/> to force a new run (unless another caller already replaced it).
    /// </summary>
    public async Task<(Credential? Credential, string? Error)> GetAsync(Credential? rejected, CancellationToken cancellationToken)
    {
        if (Usable(Current, rejected) is { } cached)
        {
            return (cached, null);
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Usable(Current, rejected) is { } raced)
            {
                return (raced, null);
            }
            var (credential, error) = await RunAsync(cancellationToken).ConfigureAwait(false);
            if (credential is null)
            {
                KubeClientLog.ExecPluginFailed(logger, plugin.Command, plugin.User, error!);
                return (null, error);
            }
            KubeClientLog.ExecPluginRan(logger, plugin.Command, plugin.User, credential.ExpiresAt?.ToString("O", CultureInfo.InvariantCulture) ?? "the server rejects it");
            Volatile.Write(ref _current, credential);
            return (credential, null);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private Credential? Usable(Credential? current, Credential? rejected) =>
        current is not null && !ReferenceEquals(current, rejected) && time.GetUtcNow() < current.RefreshAt ? current : null;

    private async Task<(Credential?, string?)> RunAsync(CancellationToken cancellationToken)
    {
        var what = $"exec credential plugin '{plugin.Command}' of kubeconfig user '{plugin.User}'";
        var psi = new ProcessStartInfo(plugin.Command)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in plugin.Args)
        {
            psi.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in plugin.Env)
        {
            psi.Environment[name] = value;
        }
        psi.Environment["KUBERNETES_EXEC_INFO"] = new JsonObject
        {
            ["apiVersion"] = plugin.ApiVersion,
            ["kind"] = "ExecCredential",
            ["spec"] = new JsonObject { ["interactive"] = false },
        }.ToJsonString();
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new Win32Exception("not started");
        }
        catch (Win32Exception e)
        {
            var hint = plugin.InstallHint is { Length: > 0 } h ? $"\n{h.Trim()}" : "";
            return (null, $"{what} could not be run ({e.Message}); is it installed and on PATH?{hint}");
        }
        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            using var deadline = new CancellationTokenSource(plugin.Timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            try
            {
                await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
                // A child the plugin left behind may hold its pipes open; the deadline covers that too.
                await Task.WhenAll(stdout, stderr).WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // It exited meanwhile; a child it left holding the pipes is no longer its to kill.
                }
                cancellationToken.ThrowIfCancellationRequested();
                return (null, $"{what} did not finish within {plugin.Timeout}");
            }
            var output = await stdout.ConfigureAwait(false);
            var errors = Trim(await stderr.ConfigureAwait(false));
            if (process.ExitCode != 0)
            {
                return (null, $"{what} failed with exit code {process.ExitCode}{(errors.Length > 0 ? ": " + errors : " and wrote nothing to stderr")}");
            }
            return Parse(output, what);
        }
    }

    /// <summary>Reads the ExecCredential; errors never quote stdout, which holds the secret.</summary>
    private (Credential?, string?) Parse(string output, string what)
    {
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(output) as JsonObject;
        }
        catch (JsonException)
        {
            root = null;
        }
        if (root is null || Str(root["kind"]) != "ExecCredential")
        {
            return (null, $"{what} did not print an ExecCredential JSON object");
        }
        if (Str(root["apiVersion"]) is var version && version != plugin.ApiVersion)
        {
            return (null, $"{what} printed apiVersion '{version}', but the kubeconfig asks for '{plugin.ApiVersion}'");
        }
        var status = root["status"] as JsonObject;
        var token = Str(status?["token"]);
        var certPem = Str(status?["clientCertificateData"]);
        var keyPem = Str(status?["clientKeyData"]);
        X509Certificate2? certificate = null;
        if (certPem is { Length: > 0 } && keyPem is { Length: > 0 })
        {
            try
            {
                certificate = X509Certificate2.CreateFromPem(certPem, keyPem);
            }
            catch (CryptographicException)
            {
                return (null, $"{what} printed a client certificate and key that are not valid PEM");
            }
        }
        if (string.IsNullOrEmpty(token) && certificate is null)
        {
            return (null, $"{what} printed neither status.token nor status.clientCertificateData and status.clientKeyData");
        }
        var now = time.GetUtcNow();
        DateTimeOffset? expiresAt = null;
        var refreshAt = DateTimeOffset.MaxValue;
        if (Str(status?["expirationTimestamp"]) is { Length: > 0 } stamp)
        {
            if (!DateTimeOffset.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return (null, $"{what} printed an expirationTimestamp that is not a time: '{stamp}'");
            }
            expiresAt = parsed;
            var lifetime = parsed - now;
            var margin = lifetime <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Min(MaxRefreshMargin.Ticks, lifetime.Ticks / 5));
            refreshAt = parsed - margin;
        }
        return (new Credential(string.IsNullOrEmpty(token) ? null : token, certificate, expiresAt, refreshAt), null);
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string Trim(string stderr)
    {
        var t = stderr.Trim();
        return t.Length <= MaxStderrChars ? t : t[..MaxStderrChars] + " …";
    }
}
