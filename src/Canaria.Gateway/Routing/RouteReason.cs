namespace Canaria.Gateway.Routing;

/// <summary>Why a version was chosen for a request.</summary>
internal enum RouteReason
{
    None,
    Rule,
    Sticky,
    Weight,
}
