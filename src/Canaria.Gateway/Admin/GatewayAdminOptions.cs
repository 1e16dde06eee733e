namespace Canaria.Gateway.Admin;

/// <summary>How the admin endpoints authenticate. A null or empty token refuses every authenticated call.</summary>
internal sealed record GatewayAdminOptions
{
    /// <summary>Bearer token required on admin calls (never logged).</summary>
    public string? Token { get; init; }

    /// <summary>Let <c>GET /metrics</c> be scraped without a token (default: token required; Prometheus has <c>authorization.credentials</c>).</summary>
    public bool AllowAnonymousMetrics { get; init; }

    /// <summary>Largest accepted config body for <c>PUT /config</c>.</summary>
    public int MaxConfigBytes { get; init; } = 1024 * 1024;
}
