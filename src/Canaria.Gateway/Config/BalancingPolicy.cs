namespace Canaria.Gateway.Config;

/// <summary>How a version spreads its requests over its endpoints.</summary>
internal enum BalancingPolicy
{
    RoundRobin,
    LeastRequests,
}
