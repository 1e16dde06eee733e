using System.Runtime.InteropServices;
using Canaria.Gateway.Host;
using Canaria.Gateway.Hosting;
using Canaria.Gateway.Managed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

// Exit codes as `canaria gateway`: 0 stopped or handed over, 1 could not start, 2 bad arguments or setup.
var parsed = HostArguments.Parse(args);
switch (parsed.Mode)
{
    case HostMode.Invalid:
        await Console.Error.WriteLineAsync($"canaria-gateway: {parsed.Error}\n\n{HostArguments.Usage}").ConfigureAwait(false);
        return 2;
    case HostMode.Help:
        Console.WriteLine(HostArguments.Usage);
        return 0;
    case HostMode.BuildId:
        Console.WriteLine(ManagedGatewayInfo.CurrentBuild);
        return 0;
}

using var stop = new CancellationTokenSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
// The same log lines as `canaria gateway` writes (the launcher sends them to the state directory's gateway.log).
using var logs = LoggerFactory.Create(b => b.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
    o.ColorBehavior = LoggerColorBehavior.Disabled;
}).SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft", LogLevel.Warning));
return parsed.Mode == HostMode.Managed
    ? await ManagedGateway.RunAsync(parsed.StateDirectory!, parsed.Takeover, logs, stop.Token, parsed.ListenersFrom).ConfigureAwait(false)
    : await GatewayStandalone.RunAsync(Path.GetFullPath(parsed.ConfigFile!), adminAddress: null, tokenFile: null, stop.Token, logs).ConfigureAwait(false);

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
