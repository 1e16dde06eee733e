namespace Canaria.Local.Dashboard.Login;

/// <summary>What became of a presented one-time login code.</summary>
internal enum LoginCodeResult
{
    /// <summary>A live code, now used up: the browser gets a session.</summary>
    Accepted,

    /// <summary>A code of this dashboard that already logged a browser in.</summary>
    Used,

    /// <summary>A code of this dashboard older than <see cref="DashboardLoginCodes.Lifetime"/>.</summary>
    Expired,

    /// <summary>No code of this dashboard (mistyped, or from an earlier run).</summary>
    Unknown,
}
