using Canaria.Gateway.Hosting;
using Microsoft.Extensions.Logging;

// Usage: GatewayBench <gateway.yaml>. Runs until SIGINT/SIGTERM; logs only warnings and above.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
return await GatewayStandalone.RunAsync(args[0], adminAddress: null, tokenFile: null, stop.Token, logging);
