using Canaria.Core.Engine;
using Canaria.Local.Gateway;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Canaria.Local.Api;

internal sealed record ControllerHostOptions
{
    /// <summary>Where status, history, logs, replica records and the API token live.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>The controller API; loopback by default, port 0 picks a free one (found again through controller.json).</summary>
    public string ApiAddress { get; init; } = "127.0.0.1:0";

    /// <summary>Stop every replica and the gateway process when the controller stops (the demo); by default they keep serving for the next controller to adopt.</summary>
    public bool StopReplicasOnExit { get; init; }

    /// <summary>
    /// The command that runs `canaria` (the gateway is then `canaria gateway --managed`) when the native gateway cannot be
    /// used; default: this program, or canaria.dll beside it.
    /// </summary>
    public IReadOnlyList<string>? GatewayCommand { get; init; }

    /// <summary>
    /// The native gateway executable (Native AOT), preferred to <see cref="GatewayCommand"/> when it reports this
    /// controller's gateway build; default: canaria-gateway beside this program. Null or empty: always run `canaria gateway`.
    /// </summary>
    public string? NativeGateway { get; init; } = GatewayExecutable.BesideThisProgram();

    public TimeProvider Time { get; init; } = TimeProvider.System;
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
    public Action<string, RolloutEvent>? OnEvent { get; init; }
}
