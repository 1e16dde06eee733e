namespace Canaria.Gateway.Routing;

/// <summary>The version chosen for a request (null: no version can serve, answer 503) and why.</summary>
internal readonly record struct RouteDecision(CompiledVersion? Version, RouteReason Reason);
