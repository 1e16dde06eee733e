using Canaria.Gateway.Config;
using Microsoft.Extensions.Logging;

namespace Canaria.Gateway.Hosting;

/// <summary>
/// Entry point for <c>canaria gateway --config gateway.yaml</c>: loads and watches the file, serves the
/// admin API with the token from <c>tokenFile</c> (or CANARIA_GATEWAY_TOKEN), logs the bound addresses,
/// runs until cancelled. Returns a process exit code (0 ok, 2 bad config).
/// </summary>
internal static class GatewayStandalone
{
    public const string TokenEnvironmentVariable = "CANARIA_GATEWAY_TOKEN";

    public static async Task<int> RunAsync(string configPath, string? adminAddress, string? tokenFile, CancellationToken cancellationToken, ILoggerFactory? loggerFactory = null)
    {
        using var ownedFactory = loggerFactory is null ? LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true)) : null;
        var factory = loggerFactory ?? ownedFactory!;
        var logger = factory.CreateLogger("Canaria.Gateway");

        string text;
        try
        {
            text = await File.ReadAllTextAsync(configPath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            GatewayLog.ConfigFileRejected(logger, configPath, e.Message);
            return 2;
        }

        var parsed = GatewayConfigLoader.Parse(text);
        if (parsed.Config is null)
        {
            GatewayLog.ConfigFileRejected(logger, configPath, string.Join("; ", parsed.Errors));
            return 2;
        }

        var token = tokenFile is not null
            ? (await File.ReadAllTextAsync(tokenFile, cancellationToken).ConfigureAwait(false)).Trim()
            : Environment.GetEnvironmentVariable(TokenEnvironmentVariable);

        GatewayHost host;
        try
        {
            host = await GatewayHost.StartAsync(
                new GatewayHostOptions
                {
                    InitialConfig = parsed.Config,
                    ConfigFilePath = configPath,
                    ConfigFileText = text,
                    AdminAddress = adminAddress,
                    AdminToken = token,
                    LoggerFactory = factory,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (GatewayConfigException e)
        {
            GatewayLog.ConfigFileRejected(logger, configPath, string.Join("; ", e.Errors));
            return 2;
        }

        await using (host.ConfigureAwait(false))
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Normal shutdown.
            }
        }

        return 0;
    }
}
