namespace Canaria.Gateway.Host;

internal enum HostMode
{
    Invalid,
    Help,
    BuildId,
    Managed,
    Standalone,
}
