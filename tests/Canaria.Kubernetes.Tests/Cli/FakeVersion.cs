namespace Canaria.Kubernetes.Tests.Cli;

/// <summary>One version's traffic as a fake data plane reports it: requests per second, errors among them, and the share of requests at or under each latency bound.</summary>
internal sealed record FakeVersion(IReadOnlyDictionary<string, string> Labels, double OkPerSecond, double ErrorsPerSecond, IReadOnlyList<(double Le, double Share)> Latency);
