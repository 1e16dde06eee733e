using Microsoft.Extensions.Logging;

namespace Canaria.Local.Gateway;

internal static partial class GatewayProcessLog
{
    [LoggerMessage(201, LogLevel.Information, "Adopted the gateway process pid {Pid} (instance {Instance}); it kept serving while no controller ran")]
    public static partial void Adopted(ILogger logger, int pid, string instance);

    [LoggerMessage(202, LogLevel.Warning, "The gateway process pid {Pid} is alive but does not answer ({Detail}); starting a new one")]
    public static partial void AdoptFailed(ILogger logger, int pid, string detail);

    [LoggerMessage(203, LogLevel.Information, "Gateway process pid {Pid} (instance {Instance}) {How} in {Milliseconds} ms")]
    public static partial void Started(ILogger logger, int pid, string instance, string how, long milliseconds);

    [LoggerMessage(204, LogLevel.Error, "The gateway process pid {Pid} is gone ({Detail}); starting a new one from its saved config")]
    public static partial void Died(ILogger logger, int pid, string detail);

    [LoggerMessage(205, LogLevel.Error, "The gateway process pid {Pid} has not answered for {Seconds} s ({Detail}); killing it and starting a new one")]
    public static partial void Unresponsive(ILogger logger, int pid, int seconds, string detail);

    [LoggerMessage(206, LogLevel.Information, "The gateway process pid {Pid} runs another build of canaria; replacing it without dropping requests")]
    public static partial void Upgrading(ILogger logger, int pid);

    [LoggerMessage(207, LogLevel.Warning, "Could not hold copies of the gateway's listening sockets ({Detail}); if the gateway dies, connections are refused until a new one serves")]
    public static partial void BorrowFailed(ILogger logger, string detail);

    [LoggerMessage(209, LogLevel.Information, "{Choice}")]
    public static partial void Program(ILogger logger, string choice);

    [LoggerMessage(210, LogLevel.Information, "The gateway process pid {Pid} runs {Running}, not the native {Native}; replacing it without dropping requests")]
    public static partial void ToNative(ILogger logger, int pid, string running, string native);

    [LoggerMessage(208, LogLevel.Error, "Could not start a gateway process (trying again in {Seconds} s): {Detail}")]
    public static partial void StartFailed(ILogger logger, int seconds, string detail);

    [LoggerMessage(211, LogLevel.Warning, "The gateway pid {Pid} no longer serves ({Detail}): its successor took over and failed; the fallback starts on the copies of the listening sockets this controller holds")]
    public static partial void SuccessorFailedAfterCommit(ILogger logger, int pid, string detail);

    [LoggerMessage(212, LogLevel.Warning, "The gateway pid {Pid} did not lend its listening sockets after its successor failed ({Detail}); it may still serve, so the fallback takes over from it rather than start beside it")]
    public static partial void ReplacedDoesNotAnswer(ILogger logger, int pid, string detail);
}
