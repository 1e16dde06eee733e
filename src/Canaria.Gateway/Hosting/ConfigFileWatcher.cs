using Canaria.Gateway.Config;
using Microsoft.Extensions.Logging;

namespace Canaria.Gateway.Hosting;

/// <summary>
/// Re-applies the config file when it changes: woken by a file-system watcher (which also sees editors'
/// rename-over saves) and, as a fallback, polled every second. Unchanged content is not re-applied.
/// </summary>
internal sealed class ConfigFileWatcher(string path, GatewayRuntime runtime, ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim _changed = new(0, int.MaxValue);
    private FileSystemWatcher? _watcher;
    private string? _lastText;

    public async Task RunAsync(string? initialText, CancellationToken cancellationToken)
    {
        _lastText = initialText;
        var full = Path.GetFullPath(path);
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!, Path.GetFileName(full))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, _) => _changed.Release();
        _watcher.Created += (_, _) => _changed.Release();
        _watcher.Renamed += (_, _) => _changed.Release();
        _watcher.EnableRaisingEvents = true;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (await _changed.WaitAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false))
                {
                    // Let a burst of writes settle before reading.
                    await Task.Delay(TimeSpan.FromMilliseconds(50), runtime.Options.Time, cancellationToken).ConfigureAwait(false);
                    while (_changed.CurrentCount > 0)
                    {
                        await _changed.WaitAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                await ReloadAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return; // Mid-save or removed: keep the live config and look again later.
        }

        if (text == _lastText)
        {
            return;
        }

        _lastText = text;
        var parsed = GatewayConfigLoader.Parse(text);
        var result = parsed.Config is null
            ? ConfigApplyResult.Rejected(parsed.Errors)
            : await runtime.ApplyAsync(parsed.Config, cancellationToken).ConfigureAwait(false);
        if (result.Accepted)
        {
            GatewayLog.ConfigFileApplied(logger, path);
        }
        else
        {
            GatewayLog.ConfigFileRejected(logger, path, string.Join("; ", result.Errors));
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _changed.Dispose();
    }
}
