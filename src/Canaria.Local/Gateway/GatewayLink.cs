using Canaria.Gateway.Config;
using Canaria.Gateway.Managed;
using Canaria.Gateway.Metrics;

namespace Canaria.Local.Gateway;

/// <summary>
/// What the controller loop knows of its gateway process and how it talks to it: the one writer of gateway config
/// (<see cref="ApplyAsync"/>), the running totals read every tick (<see cref="RefreshAsync"/>), the bound listener
/// addresses, and recovery when the process is gone. Loop-only, except <see cref="Client"/> reads (stat, metrics).
/// </summary>
internal sealed class GatewayLink(GatewayProcess process) : IAsyncDisposable
{
    private IReadOnlyDictionary<string, string> _listeners = new Dictionary<string, string>();
    private string _heldListeners = "";
    private int _heldForStart = -1;

    public GatewayProcess Process => process;

    public GatewayClient Client => process.Client;

    public GatewayCounters Counters { get; } = new();

    /// <summary>Listener name → bound address (e.g. <c>127.0.0.1:41234</c>) as of the last reading.</summary>
    public IReadOnlyDictionary<string, string> Listeners => Volatile.Read(ref _listeners);

    /// <summary>True after the last call reached the gateway.</summary>
    public bool Reachable { get; private set; }

    /// <summary>Reads the totals (and listeners). False when the gateway could not be read; a dead one is started again.</summary>
    public async Task<bool> RefreshAsync(CancellationToken ct)
    {
        if (process.Draining is { } draining)
        {
            // The replaced process until it exits: what it serves while it drains is counted too.
            if (await draining.TotalsAsync(ct).ConfigureAwait(false) is { } last) Counters.Update(last);
            else process.DrainingGone();
        }

        if (await process.Client.TotalsAsync(ct).ConfigureAwait(false) is { } totals)
        {
            Counters.Update(totals);
            Volatile.Write(ref _listeners, totals.Listeners.ToDictionary(kv => kv.Key, kv => new Uri(kv.Value).Authority, StringComparer.Ordinal));
            process.Answered();
            Reachable = true;
            var held = string.Join(",", totals.Listeners.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value));
            if (held != _heldListeners || process.Restarts != _heldForStart)
            {
                await process.HoldListenersAsync(ct).ConfigureAwait(false);
                _heldListeners = held;
                _heldForStart = process.Restarts;
            }
            return true;
        }
        Reachable = false;
        await process.RecoverAsync(ct).ConfigureAwait(false);
        return false;
    }

    /// <summary>Pushes a whole config. Null when the gateway could not be reached (a dead one is started again).</summary>
    public async Task<ConfigApplyResult?> ApplyAsync(GatewayConfig config, CancellationToken ct)
    {
        var result = await process.Client.ApplyAsync(config, ct).ConfigureAwait(false);
        if (result is null)
        {
            Reachable = false;
            await process.RecoverAsync(ct).ConfigureAwait(false);
            return null;
        }
        process.Answered();
        if (result.Accepted) await RefreshAsync(ct).ConfigureAwait(false);
        return result;
    }

    /// <summary>Asks the gateway to remember the totals of some versions under a key (it keeps the first mark of a key).</summary>
    public Task<GatewayMark?> MarkAsync(string key, string group, string service, IReadOnlyList<string> versions, CancellationToken ct) =>
        process.Client.MarkAsync(new MarkRequest(key, group, service, versions), ct);

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
