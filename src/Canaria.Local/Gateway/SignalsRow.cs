namespace Canaria.Local.Gateway;

/// <summary>One version's rolling-window golden signals as the gateway's <c>GET /signals</c> reports them.</summary>
internal sealed record SignalsRow(string Service, string Version, long Requests, long Failures, double Rps, double? P50Ms, double? P95Ms, double? P99Ms, long ClientErrors = 0)
{
    public double? SuccessRate => Requests == 0 ? null : (Requests - Failures) / (double)Requests;
}
